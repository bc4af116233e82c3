-- The issuing service's database (SPEC 10). Times are milliseconds since the epoch.
-- Codes and tokens are kept only as hashes: SHA-256, or for the 8-digit activation
-- code an HMAC-SHA-256 under the secret in the issuer folder (issuance-secret).

-- The school's records: the one place personal data lives.
CREATE TABLE students (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  given_name TEXT NOT NULL,
  family_name TEXT NOT NULL,
  birthdate TEXT NOT NULL,
  doc TEXT NOT NULL CHECK (doc IN ('school', 'student')),
  doc_no TEXT NOT NULL UNIQUE,
  valid_until TEXT NOT NULL,
  org_name TEXT,
  org_id TEXT,
  state TEXT NOT NULL CHECK (state IN ('registered', 'offered', 'active', 'suspended', 'revoked')),
  created_at INTEGER NOT NULL,
  CHECK ((org_name IS NULL) = (org_id IS NULL))
);
CREATE INDEX students_state ON students (state, seq);

-- Credential offers: the pre-authorized code (SHA-256) and its activation code (HMAC).
CREATE TABLE offers (
  id TEXT PRIMARY KEY,
  student_id TEXT NOT NULL REFERENCES students (id) ON DELETE CASCADE,
  configuration_id TEXT NOT NULL,
  code_hash BLOB NOT NULL UNIQUE,
  tx_code_mac BLOB NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  -- the access token was given
  redeemed_at INTEGER,
  -- the credential was given
  issued_at INTEGER,
  cancelled_at INTEGER,
  cancel_reason TEXT
);
CREATE INDEX offers_student ON offers (student_id);

CREATE TABLE access_tokens (
  token_hash BLOB PRIMARY KEY,
  offer_id TEXT NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX access_tokens_offer ON access_tokens (offer_id);

-- c_nonce values are made without storing them (signed with a key derived from the secret);
-- one used in a key proof is remembered here, hashed, until it is too old to be used anyway.
CREATE TABLE used_nonces (
  nonce_hash BLOB PRIMARY KEY,
  used_at INTEGER NOT NULL
);

-- Token Status Lists published at /status/{name}: 2 bits an entry. Entries are not stored
-- here: they follow from the credentials' statuses (one rule in one place).
CREATE TABLE status_lists (
  seq INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  bits INTEGER NOT NULL CHECK (bits = 2),
  size INTEGER NOT NULL CHECK (size > 0),
  next_idx INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL DEFAULT 0,
  -- iat (seconds) of the last token signed: the next is never older
  last_iat INTEGER,
  created_at INTEGER NOT NULL,
  CHECK (next_idx <= size)
);

-- Issued credentials, without their claims. A student's record can be erased: the credential
-- rows stay (revoked, student_id NULL) so that their status entries never turn valid again.
CREATE TABLE credentials (
  jti TEXT PRIMARY KEY,
  student_id TEXT REFERENCES students (id) ON DELETE SET NULL,
  offer_id TEXT,
  configuration_id TEXT NOT NULL,
  status_list TEXT NOT NULL REFERENCES status_lists (name),
  status_idx INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('valid', 'suspended', 'revoked')),
  reason TEXT,
  issued_at INTEGER NOT NULL,
  changed_at INTEGER NOT NULL,
  -- RFC 7638 thumbprint of the device key (cnf.jwk)
  device_thumbprint TEXT,
  UNIQUE (status_list, status_idx)
);
CREATE INDEX credentials_student ON credentials (student_id);
CREATE INDEX credentials_list_status ON credentials (status_list, status);

-- School staff who sign in to the portal (a later issue): scrypt hashes, attempt limits.
CREATE TABLE operators (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  password_hash BLOB NOT NULL,
  salt BLOB NOT NULL,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER,
  created_at INTEGER NOT NULL
);

-- Who did what to which student id, when and why. Never personal data in detail.
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  student_id TEXT,
  detail TEXT
);
CREATE INDEX audit_student ON audit (student_id, seq);
