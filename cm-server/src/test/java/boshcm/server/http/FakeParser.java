package boshcm.server.http;

import boshcm.protocol.body.BodyType;
import boshcm.protocol.body.ClientBody;
import boshcm.protocol.body.ParseOutcome;
import boshcm.protocol.error.Condition;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stands in for BodyParser in HTTP tests: {@code <body rid='N' [sid='S'] …>} parses, anything else is
 * rejected with bad-request. Records every body it was given, as text.
 */
final class FakeParser implements RequestParser {

    private static final Pattern RID = Pattern.compile("\\srid='(\\d+)'");
    private static final Pattern SID = Pattern.compile("\\ssid='([^']+)'");

    final List<String> seen = new CopyOnWriteArrayList<>();

    @Override
    public ParseOutcome parse(byte[] bytes, int length) {
        String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
        seen.add(text);
        Matcher sid = SID.matcher(text);
        Optional<String> sidValue = sid.find() ? Optional.of(sid.group(1)) : Optional.empty();
        Matcher rid = RID.matcher(text);
        if (!text.startsWith("<body") || !rid.find()) {
            return new ParseOutcome.Rejected(sidValue, Condition.BAD_REQUEST, "fake parser: not a body");
        }
        return new ParseOutcome.Parsed(body(Long.parseLong(rid.group(1)), sidValue));
    }

    static ClientBody body(long rid, Optional<String> sid) {
        return new ClientBody(rid, sid, BodyType.NONE, OptionalLong.empty(), OptionalInt.empty(), false,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("example.com"), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), OptionalInt.empty(), OptionalInt.empty(),
                Optional.empty(), Optional.empty(), List.of());
    }
}
