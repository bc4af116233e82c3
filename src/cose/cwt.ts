/**
 * The labels MLEG2 uses: COSE header parameters (RFC 9052 section 3.1) and CWT claims
 * (RFC 8392 section 4; `cnf` RFC 8747; `status` the Token Status List's CWT claim).
 * Claims SPEC 2 names that have no registered label keep their text names.
 */
export const HEADER = { alg: 1, kid: 4 } as const;

export const CLAIM = { iss: 1, exp: 4, nbf: 5, iat: 6, cti: 7, cnf: 8, status: 65535 } as const;

/** Inside `cnf`: the COSE_Key (RFC 8747 section 3.1). */
export const CNF_COSE_KEY = 1;
