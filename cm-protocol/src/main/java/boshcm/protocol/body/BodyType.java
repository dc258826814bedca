package boshcm.protocol.body;

import java.util.Optional;

/** The {@code type} attribute of a {@code <body/>} (XEP-0124 §13, §17). */
public enum BodyType {
    /** No {@code type} attribute: an ordinary request or response. */
    NONE(null),
    /** XEP-0124 §13 #terminate, §17.2 #errorstatus-terminal: the session is over. */
    TERMINATE("terminate"),
    /** XEP-0124 §17.3 #errorstatus-recoverable: a recoverable binding error; the session goes on. */
    ERROR("error");

    private final String wireName;

    BodyType(String wireName) {
        this.wireName = wireName;
    }

    public Optional<String> wireName() {
        return Optional.ofNullable(wireName);
    }
}
