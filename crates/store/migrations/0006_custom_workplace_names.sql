-- The names Feishu gives each custom workplace, by language, as its
-- custom_workplace_access_data answers last said: final days loaded from the store
-- carry numbers only, so the names are kept beside them. Written so that PostgreSQL
-- accepts it unchanged.
CREATE TABLE custom_workplace_names (
    -- tpl_… as Feishu gives it.
    workplace_id TEXT NOT NULL,
    -- zh, en, ja, … as Feishu names the language.
    language TEXT NOT NULL,
    name TEXT NOT NULL,
    -- Unix seconds of the answer that gave the name.
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (workplace_id, language)
);
