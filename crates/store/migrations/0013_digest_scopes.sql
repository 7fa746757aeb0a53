-- A digest limited to a scope: the chat gets the numbers of some custom workplaces'
-- blocks and of some blocks only. Both NULL: the whole tenant, as before. Otherwise
-- custom workplace ids and block ids separated by commas, sorted ('' for none), as the
-- viewers' scopes are stored. Written so that both SQLite and PostgreSQL accept it.
ALTER TABLE digest_schedules ADD COLUMN scope_workplace_ids TEXT;
ALTER TABLE digest_schedules ADD COLUMN scope_block_ids TEXT;
