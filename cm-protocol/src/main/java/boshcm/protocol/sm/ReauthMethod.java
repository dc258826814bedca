package boshcm.protocol.sm;

/** Ways the CM may authenticate again as the session's user before a resume (checklist SM-13). */
public enum ReauthMethod {
    /** SM-13 (c): the PLAIN credential the client itself sent, kept in memory only, wiped at session end. */
    PLAIN_CAPTURE,
    /** SM-13 (a): SASL EXTERNAL with the CM's client certificate and the user's JID as authzid. */
    EXTERNAL,
    /** SM-13 (a): SASL PLAIN with a service account and the user's JID as authzid (RFC 6120 §6.3.8). */
    SERVICE_ACCOUNT
}
