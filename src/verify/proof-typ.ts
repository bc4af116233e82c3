/** The `typ` of a device-signed proof (SPEC 3), on its own so that the web wallet, which makes proofs in a browser, takes it without the verifier's node:crypto. */
export const PROOF_TYP = 'mleg-kb+jwt';
