-- Row-level security: a connection sees the rows of one office, the one its transaction names
-- (set_config('app.office_id', CODE, true), i.e. SET LOCAL: it ends with the transaction, so
-- a pooled connection carries no office into its next use), and only if its login role may see
-- that office. Kiosks and staff consoles log in as members of tawasul_app, each mapped to its
-- office in office_members; a supervisor's role is mapped to several. The role that owns the
-- tables (the one that runs the migrations, and `tawasul db migrate`) is held to the office its
-- transaction names, nothing more.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tawasul_app') THEN
        CREATE ROLE tawasul_app NOLOGIN;
    END IF;
END
$$;

CREATE TABLE office_members (
    office_id text NOT NULL REFERENCES offices,
    role_name name NOT NULL,
    PRIMARY KEY (office_id, role_name)
);

-- Whether the login role may see *office*: run as the tables' owner, so tawasul_app's members
-- need no access to office_members (and cannot add themselves to it).
CREATE FUNCTION tawasul_may_see(office text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM office_members m
                    WHERE m.office_id = office AND m.role_name = session_user)
$$;
REVOKE ALL ON FUNCTION tawasul_may_see(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tawasul_may_see(text) TO tawasul_app;

GRANT USAGE ON SCHEMA public TO tawasul_app;
GRANT SELECT ON schema_migrations TO tawasul_app;
GRANT SELECT, UPDATE (version) ON offices TO tawasul_app;
GRANT SELECT, INSERT, UPDATE, DELETE
    ON requests, request_history, applicants, staff, audit, settings, sign_in_guards,
       guard_entries
    TO tawasul_app;

DO $$
DECLARE
    scoped text;
BEGIN
    FOREACH scoped IN ARRAY ARRAY['offices', 'requests', 'request_history', 'applicants',
                                  'staff', 'audit', 'settings', 'sign_in_guards',
                                  'guard_entries']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', scoped);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', scoped);
        EXECUTE format(
            'CREATE POLICY office_of_member ON %I TO tawasul_app'
            ' USING (office_id = current_setting(''app.office_id'', true)'
            '        AND tawasul_may_see(current_setting(''app.office_id'', true)))'
            ' WITH CHECK (office_id = current_setting(''app.office_id'', true)'
            '        AND tawasul_may_see(current_setting(''app.office_id'', true)))',
            scoped);
        EXECUTE format(
            'CREATE POLICY office_of_owner ON %I TO CURRENT_USER'
            ' USING (office_id = current_setting(''app.office_id'', true))',
            scoped);
    END LOOP;
END
$$;
