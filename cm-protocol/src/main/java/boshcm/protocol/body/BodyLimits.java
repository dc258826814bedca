package boshcm.protocol.body;

/**
 * Hardening limits for parsing a client {@code <body/>} (checklist S-1, S-2).
 *
 * @param maxBodyBytes        whole request body, after content decoding
 * @param maxDepth            element nesting depth, counting {@code <body/>} as 1
 * @param maxAttributes       attributes per element
 * @param maxAttributeBytes   length of one attribute value, in chars
 * @param maxTextBytes        length of one text node, in chars
 * @param maxNamespaces       namespace declarations per element
 * @param maxPayloads         child elements of {@code <body/>}
 */
public record BodyLimits(int maxBodyBytes, int maxDepth, int maxAttributes, int maxAttributeBytes,
                         int maxTextBytes, int maxNamespaces, int maxPayloads) {

    public BodyLimits {
        if (maxBodyBytes < 1024 || maxDepth < 2 || maxAttributes < 1 || maxAttributeBytes < 64
                || maxTextBytes < 64 || maxNamespaces < 1 || maxPayloads < 1) {
            throw new IllegalArgumentException("limits too small: " + maxBodyBytes + "," + maxDepth);
        }
    }

    /** 256 KiB bodies, depth 32, 64 attributes, 64 KiB attribute values. */
    public static BodyLimits defaults() {
        return new BodyLimits(256 * 1024, 32, 64, 64 * 1024, 256 * 1024, 32, 1000);
    }
}
