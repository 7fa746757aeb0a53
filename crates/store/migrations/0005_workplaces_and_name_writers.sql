-- A block's free-form group becomes its workplace (a custom workplace's name, or any
-- text the admin chooses), and API tokens may be allowed to change block names.
-- Written so that PostgreSQL accepts it unchanged, as the earlier migrations are
-- (SQLite renames columns since 3.25 and knows FALSE since 3.23).
ALTER TABLE block_labels RENAME COLUMN group_name TO workplace;

-- Whether the token may change block names (PUT /api/v1/block-names); every token may
-- read them. Tokens created before could only read, and still can only read.
ALTER TABLE api_tokens ADD COLUMN can_write_names BOOLEAN NOT NULL DEFAULT FALSE;
