package boshcm.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The HAProxy config of docs/deployment.md ("Behind HAProxy, several nodes"), kept in
 * {@code docs/haproxy/boshcm.cfg}, and the few edits that make it run on loopback in a test. The
 * routing rules, health checks, timeouts and balancing are used as written: {@link #forTest} only
 * changes addresses, ports, the runtime API socket path, and drops TLS. Each edit must match the
 * documented text exactly once, so a change to the documented file that the test does not know
 * about fails loudly instead of being run half-edited.
 */
final class HaproxyConfig {

    /** The documented file, relative to the repository root. */
    static final String FILE = "docs/haproxy/boshcm.cfg";
    /** The page that shows it. */
    static final String PAGE = "docs/deployment.md";
    /** The heading of the section whose first {@code haproxy} block is {@link #FILE}. */
    static final String SECTION = "## Behind HAProxy, several nodes";

    /** A backend server of the documented config, as the test runs it. */
    record Server(String name, int boshPort, int adminPort) {}

    private HaproxyConfig() {}

    /** {@code docs/haproxy/boshcm.cfg}, byte for byte. */
    static String documented() throws IOException {
        return Files.readString(repoFile(FILE));
    }

    /** The first {@code ```haproxy} block after {@link #SECTION} in docs/deployment.md, with its final newline. */
    static String shownOnPage() throws IOException {
        List<String> lines = Files.readAllLines(repoFile(PAGE));
        int at = lines.indexOf(SECTION);
        if (at < 0) {
            throw new IllegalStateException(PAGE + " has no \"" + SECTION + "\" section");
        }
        while (at < lines.size() && !lines.get(at).equals("```haproxy")) at++;
        StringBuilder block = new StringBuilder();
        for (int i = at + 1; i < lines.size() && !lines.get(i).equals("```"); i++) {
            block.append(lines.get(i)).append('\n');
        }
        return block.toString();
    }

    /**
     * The documented config, edited to run on loopback in front of {@code n1} and {@code n2}:
     * <ul>
     *   <li>the runtime API socket in {@code socket} instead of {@code /run/haproxy} (root-only);</li>
     *   <li>the frontend on {@code 127.0.0.1:frontendPort}, plain HTTP: the {@code :443} TLS bind and
     *       the redirect to HTTPS (which would answer every plain request with a 301) are removed;</li>
     *   <li>servers n1 and n2 on the nodes' BOSH ports, each with {@code port <admin port>} for its
     *       health check (the documented {@code default-server ... check port 5290} assumes one node
     *       per host, where every node's admin port is 5290; here the nodes share a host);</li>
     *   <li>the spare n3 (still {@code disabled}) and the web backend on {@code deadPort}, where nothing
     *       listens: the test never reaches them, and they must not point at real addresses.</li>
     * </ul>
     * Everything else (regex, {@code use-server}, {@code leastconn}, {@code /health} checks, timeouts,
     * headers) is the documented text. {@code maxconn 60000} stays too; the test starts HAProxy with
     * {@code -n} instead, because 60000 connections need more file descriptors than a test box allows.
     */
    static String forTest(String documented, Path socket, int frontendPort, Server n1, Server n2, int deadPort) {
        if (!n1.name().equals("n1") || !n2.name().equals("n2")) {
            throw new IllegalArgumentException("the documented servers are n1 and n2, not " + n1.name() + ", " + n2.name());
        }
        List<String[]> edits = new ArrayList<>();
        edits.add(edit("stats socket /run/haproxy/admin.sock ", "stats socket " + socket + " "));
        edits.add(edit("    bind :80\n", "    bind 127.0.0.1:" + frontendPort + "\n"));
        edits.add(edit("    bind :443 ssl crt /etc/haproxy/certs/chat.example.com.pem alpn h2,http/1.1\n", ""));
        edits.add(edit("    http-request redirect scheme https code 301 unless { ssl_fc }\n", ""));
        edits.add(edit("server n1 10.0.0.11:5280\n", server(n1) + "\n"));
        edits.add(edit("server n2 10.0.0.12:5280\n", server(n2) + "\n"));
        edits.add(edit("server n3 10.0.0.13:5280 disabled", "server n3 127.0.0.1:" + deadPort + " disabled"));
        edits.add(edit("server www 10.0.0.20:8080\n", "server www 127.0.0.1:" + deadPort + "\n"));
        String text = documented;
        for (String[] e : edits) {
            text = replaceOnce(text, e[0], e[1]);
        }
        return "# " + FILE + ", edited by boshcm.it.HaproxyConfig for a loopback test. Not for production.\n" + text;
    }

    private static String server(Server s) {
        return "server " + s.name() + " 127.0.0.1:" + s.boshPort() + " port " + s.adminPort();
    }

    private static String[] edit(String documented, String tested) {
        return new String[] {documented, tested};
    }

    private static String replaceOnce(String text, String from, String to) {
        int at = text.indexOf(from);
        if (at < 0 || text.indexOf(from, at + 1) >= 0) {
            throw new IllegalStateException(FILE + " must contain exactly once: " + from.strip()
                    + " (the test edits that line; update HaproxyConfig.forTest with the documented change)");
        }
        return text.substring(0, at) + to + text.substring(at + from.length());
    }

    /** {@code relative} under the repository root, from cm-server (where failsafe runs) or the root itself. */
    static Path repoFile(String relative) {
        Path fromModule = Path.of("..").resolve(relative);
        return Files.exists(fromModule) ? fromModule : Path.of(relative);
    }
}
