package boshcm.protocol.xmpp;

/**
 * How {@link StreamTokenizer} reads an upstream stream.
 *
 * @param maxStanzaBytes largest top-level element accepted (checklist U-15; at least 10 000 per RFC 6120 §13.12)
 * @param maxDepth       element depth inside a top-level element
 * @param maxAttributes  attributes per element
 * @param hideSm         strip {@code <sm xmlns='urn:xmpp:sm:3'/>} from the client view of features (managed SM)
 */
public record TokenizerOptions(int maxStanzaBytes, int maxDepth, int maxAttributes, boolean hideSm) {

    public TokenizerOptions {
        if (maxStanzaBytes < 10_000 || maxDepth < 2 || maxAttributes < 1) {
            throw new IllegalArgumentException("limits too small");
        }
    }

    public static TokenizerOptions defaults() {
        return new TokenizerOptions(1 << 20, 64, 128, false);
    }
}
