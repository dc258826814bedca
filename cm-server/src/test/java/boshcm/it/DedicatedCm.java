package boshcm.it;

import boshcm.it.BoshTarget.BoshService;
import boshcm.server.Main;
import boshcm.server.RunningCm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoublePredicate;

/**
 * A boshcm node of its own, started in-process for one test class or one test, so that the test can
 * pick flags (short {@code inactivity}, a route allow-list, a fake upstream) and read the node's
 * Prometheus meters (scraped from its admin listener) without other tests' sessions in them. The
 * meters are how tests learn, without sleeping, that the CM has processed something:
 * {@code bosh_requests_held} counts the exchanges the sessions hold (held and ahead of a rid gap),
 * {@code bosh_sessions_ended_total} counts ends by cause.
 */
public final class DedicatedCm implements AutoCloseable {

    private static final HttpClient SCRAPER = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final RunningCm cm;
    private final List<String> args;

    private DedicatedCm(RunningCm cm, List<String> args) {
        this.cm = cm;
        this.args = args;
    }

    /** A node in front of {@code server} (Prosody or ejabberd; {@link BoshTarget#cmArgs}) with {@code extra} flags added. */
    public static DedicatedCm inFrontOf(XmppServer server, String... extra) throws Exception {
        List<String> args = new ArrayList<>(BoshTarget.cmArgs(server));
        args.addAll(List.of(extra));
        return withArgs(args);
    }

    /**
     * A node in front of {@code server} whose upstream goes through {@code proxy} (which must forward
     * to {@link BoshTarget#upstreamPort}, as {@link FaultProxy#inFrontOf} does), with {@code extra} flags.
     */
    public static DedicatedCm inFrontOf(XmppServer server, FaultProxy proxy, String... extra) throws Exception {
        int port = BoshTarget.upstreamPort(server);
        if (proxy.target().getPort() != port) {
            throw new IllegalArgumentException(proxy + " does not forward to " + server.name() + "'s c2s port " + port
                    + " (-Dbosh.upstream.tls); use FaultProxy.inFrontOf(server)");
        }
        List<String> args = new ArrayList<>(BoshTarget.cmArgs(server, proxy.address()));
        args.addAll(List.of(extra));
        return withArgs(args);
    }

    /**
     * A node started with {@code args}, plus {@code --http-stop-timeout 200ms} unless given: a test's
     * node answers everything before it stops, so it need not give idle keep-alive connections the
     * usual second to go.
     */
    public static DedicatedCm withArgs(List<String> args) throws Exception {
        List<String> all = new ArrayList<>(args);
        if (!all.contains("--http-stop-timeout")) {
            all.addAll(List.of("--http-stop-timeout", "200ms"));
        }
        return new DedicatedCm(Main.start(all.toArray(String[]::new)), List.copyOf(all));
    }

    public URI boshUri() {
        return cm.boshUri();
    }

    /** This node as a {@link BoshService} for {@link SmackClients#bosh}; closing it is left to this object. */
    public BoshService service() {
        return new BoshService(BoshTarget.BOSHCM, cm.boshUri(), () -> {});
    }

    public RawBosh raw() {
        return new RawBosh(cm.boshUri());
    }

    /**
     * The sum of every sample of {@code name} whose labels include each {@code key=value} pair of
     * {@code labels} (Prometheus text format), or 0 when there is none.
     */
    public double meter(String name, String... labels) {
        String text = scrape();
        double sum = 0;
        for (String line : text.lines().toList()) {
            if (line.startsWith("#") || !(line.startsWith(name + " ") || line.startsWith(name + "{"))) {
                continue;
            }
            boolean match = true;
            for (int i = 0; i + 1 < labels.length; i += 2) {
                match &= line.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
            }
            if (match) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** The whole Prometheus scrape of this node, for checks over every series (labels, documentation). */
    public String metricsText() {
        return scrape();
    }

    /** Exchanges held by this node's sessions right now (held requests and requests ahead of a gap). */
    public int heldRequests() {
        return (int) meter("bosh_requests_held");
    }

    /** Sessions that ended with {@code cause} (a {@code EndCause} tag like {@code inactivity}). */
    public int sessionsEnded(String cause) {
        return (int) meter("bosh_sessions_ended_total", "cause", cause);
    }

    /** Polls {@code name} until {@code condition} holds; fails after {@code timeout}. Returns the value. */
    public double awaitMeter(String name, DoublePredicate condition, Duration timeout, String... labels)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        double value;
        while (!condition.test(value = meter(name, labels))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " " + List.of(labels) + " is still " + value + " after " + timeout);
            }
            Thread.sleep(20);
        }
        return value;
    }

    /** Waits until the node holds exactly {@code n} exchanges: the requests sent so far were processed. */
    public void awaitHeld(int n) throws InterruptedException {
        awaitMeter("bosh_requests_held", v -> v == n, Duration.ofSeconds(10));
    }

    /** The admin listener's root, like {@code http://127.0.0.1:41234/}: metrics, {@code /health}, {@code /ready}. */
    public URI adminUri() {
        return cm.adminUri().orElseThrow(() -> new IllegalStateException("this node runs without an admin listener"));
    }

    /** The node itself, for what a test does to it directly ({@link RunningCm#beginDrain}, {@link RunningCm#drain}). */
    public RunningCm node() {
        return cm;
    }

    /** {@code GET} of {@code path} on the admin listener: the status and the body. */
    public HttpResponse<String> admin(String path) {
        URI uri = adminUri().resolve(path);
        try {
            return SCRAPER.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + uri + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The Prometheus scrape, from the admin listener: metrics are not served on the BOSH port. */
    private String scrape() {
        URI metrics = adminUri().resolve("/metrics");
        try {
            HttpResponse<String> r = SCRAPER.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new AssertionError("GET " + metrics + " answered " + r.statusCode());
            }
            return r.body();
        } catch (IOException e) {
            throw new AssertionError("GET " + metrics + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        cm.close();
    }

    @Override
    public String toString() {
        return "boshcm " + cm.boshUri() + " " + args;
    }
}
