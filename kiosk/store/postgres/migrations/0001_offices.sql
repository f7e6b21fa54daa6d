-- One schema for every office: each row names its office (office_id), and every index starts
-- with it, so one office's rows are together and the tables can be distributed by office.

CREATE TABLE offices (
    office_id text PRIMARY KEY CHECK (office_id ~ '^[A-Za-z0-9_-]{1,32}$'),
    -- Raised by every committed change: what tells one version of the office's data from the next.
    version bigint NOT NULL DEFAULT 0,
    created timestamptz NOT NULL DEFAULT now()
);

CREATE DOMAIN request_status AS text
    CHECK (VALUE IN ('under_review', 'returned', 'resubmitted', 'accepted', 'rejected', 'closed'));

CREATE TABLE requests (
    office_id text NOT NULL REFERENCES offices,
    number text NOT NULL CHECK (number ~ '^9[0-9]{9}$'),
    applicant_id text NOT NULL CHECK (applicant_id ~ '^[0-9]{10}$'),
    type_code text NOT NULL,
    status request_status NOT NULL,
    created timestamptz NOT NULL,
    updated timestamptz NOT NULL,
    required_action text NOT NULL DEFAULT '',
    internal_notes jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(internal_notes) = 'array'),
    -- The archive is this flag: an archived request is still found by number, but is not live.
    archived boolean NOT NULL DEFAULT false,
    PRIMARY KEY (office_id, number),
    CHECK (updated >= created)
);
CREATE INDEX requests_of_applicant ON requests (office_id, applicant_id, created DESC);
CREATE INDEX live_requests_by_status ON requests (office_id, status) WHERE NOT archived;

CREATE TABLE request_history (
    office_id text NOT NULL,
    number text NOT NULL,
    step integer NOT NULL CHECK (step >= 0),
    status request_status NOT NULL,
    at timestamptz NOT NULL,
    by text NOT NULL,
    note text NOT NULL DEFAULT '',
    PRIMARY KEY (office_id, number, step),
    FOREIGN KEY (office_id, number) REFERENCES requests
);

CREATE TABLE applicants (
    office_id text NOT NULL REFERENCES offices,
    id_number text NOT NULL CHECK (id_number ~ '^[0-9]{10}$'),
    name_ar text NOT NULL,
    name_en text NOT NULL,
    password_hash text,
    failed_attempts integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until timestamptz,
    preferred_language text NOT NULL,
    last_failure timestamptz,
    PRIMARY KEY (office_id, id_number)
);

CREATE TABLE staff (
    office_id text NOT NULL REFERENCES offices,
    username text NOT NULL CHECK (username <> ''),
    display_name text NOT NULL,
    role text NOT NULL CHECK (role IN ('staff', 'supervisor')),
    PRIMARY KEY (office_id, username)
);

CREATE TABLE audit (
    office_id text NOT NULL REFERENCES offices,
    entry_id bigint GENERATED ALWAYS AS IDENTITY,
    at timestamptz NOT NULL,
    actor text NOT NULL,
    action text NOT NULL,
    target text NOT NULL,
    details jsonb NOT NULL DEFAULT '{}',
    archived boolean NOT NULL DEFAULT false,
    PRIMARY KEY (office_id, entry_id)
);

CREATE TABLE settings (
    office_id text NOT NULL REFERENCES offices,
    key text NOT NULL,
    value text NOT NULL,
    PRIMARY KEY (office_id, key)
);

-- Failed sign-ins of IDs that have no applicant record (those of applicants are on their row).
CREATE TABLE sign_in_guards (
    office_id text NOT NULL REFERENCES offices,
    id_number text NOT NULL,
    guard jsonb NOT NULL,
    PRIMARY KEY (office_id, id_number)
);

-- What the guards of the services keep (quick lookups by kiosk, the staff exit), as plain JSON.
CREATE TABLE guard_entries (
    office_id text NOT NULL REFERENCES offices,
    kind text NOT NULL,
    key text NOT NULL,
    entry jsonb NOT NULL,
    PRIMARY KEY (office_id, kind, key)
);

-- History and audit are only ever appended to: the database refuses anything else, whoever
-- asks. The one change an audit entry may take is being archived.
CREATE FUNCTION refuse_rewriting() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the % table is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE FUNCTION allow_archiving_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT OLD.archived AND NEW.archived
        AND (NEW.office_id, NEW.entry_id, NEW.at, NEW.actor, NEW.action, NEW.target, NEW.details)
            IS NOT DISTINCT FROM
            (OLD.office_id, OLD.entry_id, OLD.at, OLD.actor, OLD.action, OLD.target, OLD.details)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit table is append-only: an entry can only be archived'
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER history_is_append_only BEFORE UPDATE OR DELETE ON request_history
    FOR EACH ROW EXECUTE FUNCTION refuse_rewriting();
CREATE TRIGGER history_is_never_emptied BEFORE TRUNCATE ON request_history
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_rewriting();
CREATE TRIGGER audit_is_only_archived BEFORE UPDATE ON audit
    FOR EACH ROW EXECUTE FUNCTION allow_archiving_only();
CREATE TRIGGER audit_is_never_deleted BEFORE DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION refuse_rewriting();
CREATE TRIGGER audit_is_never_emptied BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_rewriting();
