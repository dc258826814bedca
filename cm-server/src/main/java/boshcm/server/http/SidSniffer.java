package boshcm.server.http;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the {@code sid} attribute in the start tag of a body that will not be parsed (it was cut
 * off at the size limit), so that the session it names can be ended with policy-violation
 * (checklist S-1 DECISION). Looks only inside {@code <body …>} within the first few KiB.
 */
final class SidSniffer {

    private static final int WINDOW = 4096;
    private static final Pattern START_TAG = Pattern.compile("<(?:[A-Za-z_][\\w.-]*:)?body[\\s>/]");
    private static final Pattern SID = Pattern.compile("\\ssid\\s*=\\s*(['\"])([^'\"<>&]{1,256})\\1");

    private SidSniffer() {}

    static Optional<String> sniff(byte[] bytes, int length) {
        String head = new String(bytes, 0, Math.min(length, WINDOW), StandardCharsets.UTF_8);
        Matcher start = START_TAG.matcher(head);
        if (!start.find()) {
            return Optional.empty();
        }
        int end = head.indexOf('>', start.end() - 1);
        if (end < 0) {
            return Optional.empty();
        }
        Matcher sid = SID.matcher(head.substring(start.end() - 1, end));
        return sid.find() ? Optional.of(sid.group(2)) : Optional.empty();
    }
}
