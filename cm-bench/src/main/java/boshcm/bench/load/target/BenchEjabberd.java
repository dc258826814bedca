package boshcm.bench.load.target;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * The ejabberd the ejabberd targets talk to (Debian package 23.01), fresh per target: a generated
 * ejabberd.yml on free loopback ports with plain c2s (no STARTTLS offered: no certificate), no
 * traffic shaper, {@code max_fsm_queue} raised, mod_offline off, mod_bosh on its HTTP port, and the
 * accounts u1/p1 … stored with plain passwords ({@code auth_password_format: plain}), so that no
 * password hashing is part of the login cost, as with Prosody's internal_plain.
 *
 * <p>It runs as a dedicated Erlang node ({@value #NODE}) started with {@code ejabberdctl
 * foreground-quiet}, without epmd ({@code ERL_DIST_PORT}, a free port; distribution bound to
 * 127.0.0.1, with a random cookie). As root it runs as the ejabberd user, as Debian's ejabberdctl
 * requires. Mnesia's directory is kept from one start to the next within a run, so the accounts are
 * registered once: on the first start, through ejabberd's own HTTP API ({@code mod_http_api},
 * {@code POST /api/register}, allowed from loopback only), in parallel. One {@code ejabberdctl
 * register} per account would start an Erlang VM each: minutes for a thousand accounts.
 */
public final class BenchEjabberd implements XmppServer {
    static final String USER = "ejabberd";
    static final String EJABBERDCTL = "/usr/sbin/ejabberdctl";
    static final String NODE = "boshcm-bench@localhost";
    /** The file in Mnesia's directory that records how many accounts it holds. */
    static final String ACCOUNTS_MARKER = "boshcm-bench-accounts";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60L);
    private static final int REGISTER_IN_FLIGHT = 16;
    private final Path dir;
    private final int users;
    private final String logLevel;
    private final List<String> erlOptions;
    private final String cookie;
    private final PrintStream log;
    private int c2sPort;
    private int httpPort;

    private BenchEjabberd(Path dir, int users, String logLevel, List<String> erlOptions, PrintStream log) {
        this.dir = dir.toAbsolutePath();
        this.users = users;
        this.logLevel = logLevel;
        this.erlOptions = List.copyOf(erlOptions);
        this.log = log;
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        this.cookie = "boshcm" + HexFormat.of().formatHex(random);
    }

    /** {@code erlOptions}: extra Erlang VM flags, such as {@code +sbwt none}; {@code log} gets a line on registration. */
    public static BenchEjabberd prepare(Path dir, int users, String logLevel, List<String> erlOptions, PrintStream log) throws IOException {
        if (!Files.isExecutable(Path.of(EJABBERDCTL))) {
            throw new IOException(EJABBERDCTL + " not found: install Debian's ejabberd (apt-get install ejabberd)");
        }
        if (!ServerProcess.isRoot() && !USER.equals(System.getProperty("user.name"))) {
            throw new IOException("Debian's ejabberdctl runs only as root or as the ejabberd user");
        }
        Files.createDirectories(dir.resolve("spool"));
        return new BenchEjabberd(dir, users, logLevel, erlOptions, log);
    }

    public ServerProcess start() throws IOException {
        int[] ports = ServerProcess.freePorts(3);
        this.c2sPort = ports[0];
        this.httpPort = ports[1];
        Files.writeString(this.dir.resolve("ejabberd.yml"), config(this.c2sPort, this.httpPort, this.logLevel));
        Files.writeString(this.dir.resolve("ejabberdctl.cfg"), ctlConfig(this.cookie, ports[2], this.erlOptions));
        Files.writeString(this.dir.resolve("inetrc"), "{lookup,[\"file\",\"native\"]}.\n{host,{127,0,0,1}, [\"localhost\"]}.\n");
        Path logs = this.dir.resolve("logs");
        if (Files.isDirectory(logs)) {
            try (var files = Files.list(logs)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        }
        Files.createDirectories(logs);
        BenchProsody.giveTo(USER, this.dir);
        ServerProcess process = ServerProcess.start("ejabberd", ServerProcess.asUser(USER, this.ctl("foreground-quiet")),
                this.dir, Map.of("HOME", this.dir.toString()), this.dir.resolve("ejabberd.stdout"));
        try {
            process.awaitPorts(START_TIMEOUT, this.c2sPort, this.httpPort);
            this.registerAccounts();
        } catch (IOException e) {
            process.close();
            throw new IOException(e.getMessage() + "\n" + this.logTail(30), e);
        }
        return process;
    }

    public int c2sPort() {
        return this.c2sPort;
    }

    public int httpPort() {
        return this.httpPort;
    }

    public String logTail(int lines) {
        StringBuilder out = new StringBuilder();
        for (Path file : List.of(this.dir.resolve("ejabberd.stdout"), this.dir.resolve("logs").resolve("error.log"),
                this.dir.resolve("logs").resolve("ejabberd.log"))) {
            out.append("--- ").append(file).append('\n').append(ServerProcess.tail(file, lines)).append('\n');
        }
        return out.toString();
    }

    private List<String> ctl(String... args) {
        List<String> command = new ArrayList<>(List.of(EJABBERDCTL, "--config-dir", this.dir.toString(),
                "--spool", this.dir.resolve("spool").toString(), "--logs", this.dir.resolve("logs").toString(),
                "--node", NODE));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * Registers u{k+1} … u{users} through mod_http_api, where k is the count recorded in Mnesia's
     * directory by an earlier start, and records the new count. An account that exists already
     * (ejabberd's error 10090) counts as registered.
     */
    private void registerAccounts() throws IOException {
        Path marker = this.dir.resolve("spool").resolve(ACCOUNTS_MARKER);
        int done = 0;
        if (Files.isRegularFile(marker)) {
            done = Integer.parseInt(Files.readString(marker).trim());
        }
        if (done >= this.users) {
            return;
        }
        long start = System.nanoTime();
        URI uri = URI.create("http://" + ServerProcess.HOST + ":" + this.httpPort + "/api/register");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        Semaphore inFlight = new Semaphore(REGISTER_IN_FLIGHT);
        List<CompletableFuture<String>> results = new ArrayList<>();
        try {
            for (int i = done + 1; i <= this.users; i++) {
                inFlight.acquire();
                HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(registerJson(Accounts.username(i), Accounts.DOMAIN, Accounts.password(i))))
                        .build();
                String user = Accounts.username(i);
                results.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                        .handle((response, failure) -> {
                            inFlight.release();
                            if (failure != null) {
                                return user + ": " + failure;
                            }
                            return registered(response.statusCode(), response.body()) ? null
                                    : user + ": HTTP " + response.statusCode() + " " + response.body();
                        }));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while registering ejabberd accounts", e);
        }
        List<String> failures = results.stream().map(CompletableFuture::join).filter(f -> f != null).toList();
        if (!failures.isEmpty()) {
            throw new IOException(failures.size() + " ejabberd accounts could not be registered, such as " + failures.get(0));
        }
        Files.writeString(marker, Integer.toString(this.users));
        this.log.printf("   ejabberd: %d accounts registered through mod_http_api in %.1f s%n", this.users - done,
                (System.nanoTime() - start) / 1e9);
    }

    /** The body of mod_http_api's {@code register} command. The names and passwords are plain ASCII. */
    static String registerJson(String user, String host, String password) {
        return "{\"user\":\"" + user + "\",\"host\":\"" + host + "\",\"password\":\"" + password + "\"}";
    }

    /** Whether mod_http_api's answer to {@code register} means that the account exists now. */
    static boolean registered(int status, String body) {
        return status == 200 || (status >= 400 && status < 500 && body.contains("\"code\":10090"));
    }

    /**
     * ejabberd.yml for the benchmark. c2s: no certificate, so no STARTTLS is offered, and PLAIN is
     * allowed on the plain stream as with Prosody; no shaper ({@code shaper: none}; Debian's
     * /etc/ejabberd/ejabberd.yml limits c2s to 3000 B/s, which would throttle every target), and
     * no {@code max_user_sessions} rule; {@code max_fsm_queue}
     * (stanzas queued per session before ejabberd drops the session, 10000 by default) raised far
     * beyond what the benchmark queues. No mod_offline, so that a message to a session that is gone
     * bounces and is counted as lost, and no mod_stream_mgmt, as with Prosody. Both listeners get a
     * {@code backlog} of 1024: ejabberd's default of 5 pending connections drops the SYNs of a burst
     * of logins (100 in flight by default), which then wait for TCP's retransmissions, 1 s, 3 s, 7 s
     * and on (Prosody's default is 128, Node's 511). mod_http_api on
     * {@code /api} serves the account registration, for 127.0.0.1 only.
     */
    static String config(int c2sPort, int httpPort, String logLevel) {
        return """
                # Generated by boshcm.bench.load.target.BenchEjabberd for the load benchmark. Not for production.
                hosts:
                  - "%1$s"
                  - "%2$s"
                loglevel: %3$s
                log_rotate_count: 0
                hide_sensitive_log_data: true
                max_fsm_queue: 1000000
                listen:
                  -
                    port: %4$d
                    ip: "127.0.0.1"
                    module: ejabberd_c2s
                    backlog: 1024
                    starttls: false
                    shaper: none
                    max_stanza_size: 262144
                    max_fsm_queue: 1000000
                  -
                    port: %5$d
                    ip: "127.0.0.1"
                    module: ejabberd_http
                    backlog: 1024
                    request_handlers:
                      /bosh: mod_bosh
                      /api: mod_http_api
                auth_method: internal
                auth_password_format: plain
                host_config:
                  "%2$s":
                    auth_method: anonymous
                    anonymous_protocol: sasl_anon
                acl:
                  loopback:
                    ip:
                      - 127.0.0.0/8
                api_permissions:
                  "benchmark accounts":
                    from:
                      - mod_http_api
                    who:
                      acl: loopback
                    what:
                      - register
                modules:
                  mod_bosh: {}
                  mod_disco: {}
                  mod_http_api: {}
                  mod_ping: {}
                  mod_roster: {}
                """.formatted(Accounts.DOMAIN, Accounts.ANON_DOMAIN, logLevel, c2sPort, httpPort);
    }

    /**
     * ejabberdctl.cfg (sourced by ejabberdctl): the node's distribution on {@code distPort} at
     * 127.0.0.1 with no epmd, a random cookie on the command line (no ~/.erlang.cookie), and room
     * for many sockets ({@code ERL_MAX_PORTS}, 32000 in Debian's ejabberdctl).
     */
    static String ctlConfig(String cookie, int distPort, List<String> erlOptions) {
        String extra = erlOptions.isEmpty() ? "" : " " + String.join(" ", erlOptions);
        return """
                # Generated by boshcm.bench.load.target.BenchEjabberd. Sourced by ejabberdctl.
                ERL_OPTIONS="-setcookie %1$s -kernel inet_dist_use_interface {127,0,0,1} -env ERL_CRASH_DUMP_BYTES 0%3$s"
                ERL_DIST_PORT=%2$d
                ERL_MAX_PORTS=262144
                """.formatted(cookie, distPort, extra);
    }
}
