package boshcm.it;

import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;

/** An account registered on the test Prosody. */
public record XmppUser(String localpart, String password, String domain) {

    public String jidString() {
        return localpart + "@" + domain;
    }

    public EntityBareJid jid() {
        return JidCreate.entityBareFromOrThrowUnchecked(jidString());
    }
}
