package boshcm.server.http;

import boshcm.protocol.body.BodyParser;
import boshcm.protocol.body.ParseOutcome;

/**
 * Turns a complete, decoded request body into a {@link ParseOutcome}. Production uses
 * {@link BodyParser}; tests substitute their own.
 */
@FunctionalInterface
public interface RequestParser {

    ParseOutcome parse(byte[] bytes, int length);

    static RequestParser of(BodyParser parser) {
        return (bytes, length) -> parser.parse(bytes, 0, length);
    }
}
