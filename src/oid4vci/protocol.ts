/** Names fixed by OpenID4VCI 1.0, shared by the issuing service (src/issuance) and the wallet (src/wallet). */

/** The OAuth grant type of the pre-authorized code flow (§4.1.1). */
export const PRE_AUTHORIZED_GRANT = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';
/** The scheme of an offer link for a wallet app (§4.1). */
export const OFFER_SCHEME = 'openid-credential-offer://';
/** The `typ` of a `jwt` key proof (Appendix F.1). */
export const KEY_PROOF_TYP = 'openid4vci-proof+jwt';
