-- A resident's answer to a returned request: the code of what they did (a choice of the request
-- type's answers, stored language-neutral), on the resubmission step it made. Every other step
-- has none; the note beside it holds the few words the resident added.
ALTER TABLE request_history
    ADD COLUMN answer text NOT NULL DEFAULT ''
    CHECK (answer = '' OR (status = 'resubmitted' AND answer ~ '^[a-z][a-z_]{0,39}$'));
