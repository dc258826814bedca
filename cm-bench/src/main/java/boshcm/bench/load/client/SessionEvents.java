package boshcm.bench.load.client;

/** What a {@link ClientSession} tells the phase driving it. Called on the session's event loop. */
public interface SessionEvents {

    void loggedIn(ClientSession session);

    void loginFailed(ClientSession session, String reason);

    /** The session ended or broke after logging in (server terminate, connection lost, stream error). */
    void lost(ClientSession session, String reason);

    SessionEvents NONE = new SessionEvents() {
        @Override
        public void loggedIn(ClientSession session) { }

        @Override
        public void loginFailed(ClientSession session, String reason) { }

        @Override
        public void lost(ClientSession session, String reason) { }
    };
}
