package boshcm.bench.load.xml;

import java.util.ArrayList;
import java.util.List;

/**
 * Interprets one complete top-level element for the load client: features, SASL outcome, iq
 * results (with the bound JID), benchmark messages and stream errors; everything else (presence,
 * roster pushes, SM nonzas) is skipped. Stateless: one instance serves every session.
 */
public final class StanzaReader {

    /**
     * Reads the element whose start tag {@code s} has just returned (START or EMPTY) through its end
     * tag, and tells {@code listener} what it was. Returns false if the input ended first.
     */
    public boolean read(XmlScanner s, int startKind, StanzaListener listener) {
        boolean empty = startKind == XmlScanner.EMPTY;
        if (s.localNameIs("message")) {
            return message(s, empty, listener);
        }
        if (s.localNameIs("iq")) {
            return iq(s, empty, listener);
        }
        if (s.localNameIs("features")) {
            return features(s, empty, listener);
        }
        if (s.localNameIs("success")) {
            listener.onSaslSuccess();
            return empty || s.skipElement();
        }
        if (s.localNameIs("failure")) {
            String condition = empty ? "unknown" : firstChild(s, "unknown");
            if (condition == null) {
                return false;
            }
            listener.onSaslFailure(condition);
            return true;
        }
        if (s.localNameIs("error")) {
            String condition = empty ? "undefined-condition" : firstChild(s, "undefined-condition");
            if (condition == null) {
                return false;
            }
            listener.onStreamError(condition);
            return true;
        }
        return empty || s.skipElement();
    }

    private boolean message(XmlScanner s, boolean empty, StanzaListener listener) {
        if (s.attributeIs("type", "error")) {
            listener.onMessageError();
            return empty || s.skipElement();
        }
        if (empty) {
            return true;
        }
        int depth = 1;
        boolean inBody = false;
        long seq = -1;
        long sent = -1;
        while (depth > 0) {
            switch (s.next()) {
                case XmlScanner.START -> {
                    depth++;
                    inBody = depth == 2 && s.localNameIs("body");
                }
                case XmlScanner.END -> {
                    depth--;
                    inBody = false;
                }
                case XmlScanner.TEXT -> {
                    if (inBody && seq < 0) {
                        seq = s.number(s.textStart(), s.textEnd());
                        sent = seq < 0 ? -1 : s.number(s.numberEnd(), s.textEnd());
                    }
                }
                case XmlScanner.INCOMPLETE -> {
                    return false;
                }
                default -> { }
            }
        }
        if (seq >= 0 && sent >= 0) {
            listener.onChat(seq, sent);
        }
        return true;
    }

    private boolean iq(XmlScanner s, boolean empty, StanzaListener listener) {
        String id = s.attributeValue("id");
        boolean result = s.attributeIs("type", "result");
        boolean error = s.attributeIs("type", "error");
        String jid = null;
        String condition = null;
        if (!empty) {
            int depth = 1;
            boolean inJid = false;
            boolean inError = false;
            while (depth > 0) {
                int kind = s.next();
                switch (kind) {
                    case XmlScanner.START, XmlScanner.EMPTY -> {
                        if (kind == XmlScanner.START) {
                            depth++;
                        }
                        int d = kind == XmlScanner.START ? depth : depth + 1;
                        if (d == 2) {
                            inError = s.localNameIs("error");
                        } else if (d == 3 && inError && condition == null && !s.localNameIs("text")) {
                            condition = s.qualifiedName();
                        }
                        inJid = kind == XmlScanner.START && d == 3 && s.localNameIs("jid");
                    }
                    case XmlScanner.END -> {
                        depth--;
                        inJid = false;
                    }
                    case XmlScanner.TEXT -> {
                        if (inJid) {
                            jid = s.text().trim();
                        }
                    }
                    case XmlScanner.INCOMPLETE -> {
                        return false;
                    }
                    default -> { }
                }
            }
        }
        if (result) {
            listener.onIqResult(id, jid);
        } else if (error) {
            listener.onIqError(id, condition == null ? "unknown" : localPart(condition));
        }
        return true;
    }

    private boolean features(XmlScanner s, boolean empty, StanzaListener listener) {
        List<String> mechanisms = new ArrayList<>(4);
        boolean bind = false;
        boolean session = false;
        boolean sessionOptional = false;
        if (!empty) {
            int depth = 1;
            boolean inMechanism = false;
            boolean inSession = false;
            while (depth > 0) {
                int kind = s.next();
                switch (kind) {
                    case XmlScanner.START, XmlScanner.EMPTY -> {
                        int d = kind == XmlScanner.START ? ++depth : depth + 1;
                        if (d == 2) {
                            bind |= s.localNameIs("bind");
                            inSession = s.localNameIs("session");
                            session |= inSession;
                        } else if (d == 3 && inSession && s.localNameIs("optional")) {
                            sessionOptional = true;
                        }
                        inMechanism = kind == XmlScanner.START && d == 3 && s.localNameIs("mechanism");
                    }
                    case XmlScanner.END -> {
                        depth--;
                        inMechanism = false;
                    }
                    case XmlScanner.TEXT -> {
                        if (inMechanism) {
                            mechanisms.add(s.text().trim());
                        }
                    }
                    case XmlScanner.INCOMPLETE -> {
                        return false;
                    }
                    default -> { }
                }
            }
        }
        listener.onFeatures(new Features(mechanisms, bind, session && !sessionOptional));
        return true;
    }

    /** The qualified name of the first child element (skipping {@code <text/>}), then skips to the end; null if incomplete. */
    private static String firstChild(XmlScanner s, String otherwise) {
        String found = null;
        int depth = 1;
        while (depth > 0) {
            int kind = s.next();
            switch (kind) {
                case XmlScanner.START, XmlScanner.EMPTY -> {
                    if (depth == 1 && found == null && !s.localNameIs("text")) {
                        found = localPart(s.qualifiedName());
                    }
                    if (kind == XmlScanner.START) {
                        depth++;
                    }
                }
                case XmlScanner.END -> depth--;
                case XmlScanner.INCOMPLETE -> {
                    return null;
                }
                default -> { }
            }
        }
        return found == null ? otherwise : found;
    }

    private static String localPart(String qualified) {
        int colon = qualified.indexOf(':');
        return colon < 0 ? qualified : qualified.substring(colon + 1);
    }
}
