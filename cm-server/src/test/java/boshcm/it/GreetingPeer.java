package boshcm.it;

import static boshcm.it.SmackClients.chatFrom;
import static boshcm.it.SmackClients.inbox;
import static boshcm.it.SmackClients.sendChatUnchecked;

import boshcm.it.SmackClients.Inbox;
import java.util.concurrent.atomic.AtomicReference;
import org.jivesoftware.smack.filter.FromMatchesFilter;
import org.jivesoftware.smack.filter.StanzaFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jxmpp.jid.Jid;

/**
 * The Smack TCP side of the converse.js and Stanza scenarios: a contact of the browser user (roster
 * subscription both, so presence flows) that greets the browser's full JID as soon as it sees it come
 * online, records and acknowledges ({@code "ack: " + body}) the chat messages it gets back, and
 * records the browser user's presences (the last one should be unavailable, after the browser logs
 * out).
 */
final class GreetingPeer {

    final String greeting;
    final Inbox<Message> replies;
    final Inbox<Presence> presences;
    private final AtomicReference<Jid> greeted = new AtomicReference<>();

    private GreetingPeer(XMPPTCPConnection peer, XmppUser browserUser, String greeting) {
        this.greeting = greeting;
        this.presences = inbox(peer, new FromMatchesFilter(browserUser.jid(), true), Presence.class);
        StanzaFilter chatFromBrowser = chatFrom(browserUser.jid());
        this.replies = inbox(peer, chatFromBrowser, Message.class);
        // The acknowledgement tells the browser its reply has crossed, so it can log out: a client may
        // still hold a stanza it has accepted when it terminates (converse.js does, see docs/testing.md).
        peer.addSyncStanzaListener(
                stanza -> sendChatUnchecked(peer, stanza.getFrom(), "ack: " + ((Message) stanza).getBody()),
                chatFromBrowser);
        peer.addSyncStanzaListener(stanza -> {
            if (greeted.compareAndSet(null, stanza.getFrom())) sendChatUnchecked(peer, stanza.getFrom(), greeting);
        }, stanza -> stanza instanceof Presence p && p.isAvailable() && stanza.getFrom() != null
                && stanza.getFrom().asBareJid().equals(browserUser.jid()));
    }

    /**
     * Makes {@code peerUser} and {@code browserUser} mutual contacts, logs {@code peerUser} in over TCP
     * and arms the greeting. Call before the browser logs in.
     */
    static GreetingPeer start(SmackClients clients, XmppServer server, XmppUser peerUser, XmppUser browserUser)
            throws Exception {
        server.befriend(peerUser, browserUser);
        XMPPTCPConnection peer = clients.tcp(server, peerUser);
        return new GreetingPeer(peer, browserUser, "hello from smack " + System.nanoTime());
    }

    /** The browser's full JID the greeting went to, or null. */
    Jid greeted() {
        return greeted.get();
    }
}
