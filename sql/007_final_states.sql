-- 007_final_states.sql - closed and cancelled are final for everything deskd does: comments,
-- links, raises and acknowledgements are refused too (a direct SQL fix by an administrator
-- is still possible and audited as sql_update).

CREATE FUNCTION desk_refuse_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- desk.loading marks bulk loads (the demo data) that write history as it happened.
    IF OLD.status IN ('closed', 'cancelled') AND
       current_setting('desk.via_api', true) = 'on' AND
       current_setting('desk.loading', true) IS DISTINCT FROM 'on' THEN
        RAISE EXCEPTION 'ticket is %; it cannot change any more', OLD.status
            USING ERRCODE = 'DK422';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER tickets_refuse_final BEFORE UPDATE ON tickets
    FOR EACH ROW EXECUTE FUNCTION desk_refuse_final();
