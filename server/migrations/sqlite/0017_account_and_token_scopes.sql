-- Each user's own account: the language they chose (applied when they sign in), and which
-- device each session is (the account page lists them; "sign out everywhere" ends them all).
ALTER TABLE users ADD COLUMN language TEXT;
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';

-- What an API token may do: 'read' (GET only), 'submit' (read, plus sending responses and
-- their photos), 'admin' (everything its owner may). Tokens made before scopes existed could
-- do everything their owner may, and keep that.
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'admin';
