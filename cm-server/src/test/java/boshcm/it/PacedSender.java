package boshcm.it;

import static boshcm.it.SmackClients.sendChat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jivesoftware.smack.XMPPConnection;
import org.jxmpp.jid.Jid;

/**
 * Sends chat messages {@code name-0}, {@code name-1}, … from a Smack connection at a steady pace
 * until told to stop, then {@code name-end}; the zero-loss tests' traffic. A failure is recorded
 * under the thread's name.
 */
final class PacedSender extends Thread {
    final List<String> sent = new ArrayList<>();
    private final XMPPConnection from;
    private final Jid to;
    private final Duration pace;
    private final AtomicBoolean stop;
    private final Map<String, Throwable> failures;

    PacedSender(String name, XMPPConnection from, Jid to, Duration pace, AtomicBoolean stop,
                Map<String, Throwable> failures) {
        super(name);
        this.from = from;
        this.to = to;
        this.pace = pace;
        this.stop = stop;
        this.failures = failures;
        setDaemon(true);
    }

    @Override
    public void run() {
        try {
            for (int i = 0; !stop.get(); i++) {
                send(getName() + "-" + i);
                Thread.sleep(pace.toMillis());
            }
            send(getName() + "-end");
        } catch (Exception e) {
            failures.put(getName(), e);
        }
    }

    private void send(String body) throws Exception {
        sendChat(from, to, body);
        sent.add(body);
    }
}
