-- The school portal (docs/portal.md): operators' password parameters and login throttle,
-- their sessions, and failed logins per client address. Session ids are kept only as
-- SHA-256, client addresses only as an HMAC under the service's secret.

-- How the password hash was made ("scrypt:N=32768,r=8,p=1,len=32"), so the cost can be raised
-- later: a hash made with weaker parameters is remade at the operator's next login.
ALTER TABLE operators ADD COLUMN password_params TEXT NOT NULL DEFAULT '';
-- After a failed login, no new attempt is checked before this time (growing delays).
ALTER TABLE operators ADD COLUMN login_not_before INTEGER;
ALTER TABLE operators ADD COLUMN last_login_at INTEGER;

CREATE TABLE portal_sessions (
  id_hash BLOB PRIMARY KEY,
  operator_id TEXT NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  seen_at INTEGER NOT NULL
);
CREATE INDEX portal_sessions_operator ON portal_sessions (operator_id);

-- Failed logins from one client address, whichever operator name was tried.
CREATE TABLE login_throttle (
  address_key BLOB PRIMARY KEY,
  failures INTEGER NOT NULL DEFAULT 0,
  not_before INTEGER,
  locked_until INTEGER,
  updated_at INTEGER NOT NULL
);
