package boshcm.server.http;

import boshcm.protocol.body.ClientBody;
import boshcm.protocol.body.ParseOutcome;

/**
 * Where the HTTP layer hands a BOSH request once its body is read and parsed (implemented by the
 * session registry). Called on a Jetty thread; implementations hand the work to the session's event
 * loop and return at once, never blocking and never locking.
 */
public interface BoshEndpoint {

    /** A well-formed request: create a session (no sid) or dispatch to the one named. */
    void request(ClientBody body, Exchange exchange);

    /** A request that could not be parsed; terminates the session it names, if any (XEP-0124 §17.2 bad-request). */
    void rejected(ParseOutcome.Rejected rejected, Exchange exchange);
}
