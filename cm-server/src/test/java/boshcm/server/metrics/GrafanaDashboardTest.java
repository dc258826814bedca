package boshcm.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.server.Main;
import boshcm.server.RunningCm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/grafana/boshcm-dashboard.json stays true: it is well-formed JSON that Grafana can import
 * anywhere (a data source input and variable, {@code job} and {@code instance} variables, unique panel
 * ids), every series its queries name is one docs/metrics.md lists, used the way its type allows
 * (counters and buckets in {@code rate()}, quantiles from {@code _bucket} summed by {@code le}), and
 * every one of them is in the scrape of a real node. Prometheus's own {@code up} is the only series
 * it uses that boshcm does not export.
 */
class GrafanaDashboardTest {

    /** The series names boshcm exports start with one of these (as in MetricsIT). */
    private static final Pattern SERIES = Pattern.compile("\\b((?:bosh|jvm|jetty|netty|process|system)_[a-z0-9_]+)");
    private static final Pattern DOCUMENTED = Pattern.compile("`((?:bosh|jvm|jetty|netty|process|system)_[a-z0-9_]+)`");
    /** What every metric selector of a panel starts with, so that the variables apply everywhere. */
    private static final String SELECTOR = "{job=~\"$job\",instance=~\"$instance\"";
    /** Any metric selector: a name and its label matchers. Every query of the dashboard writes its matchers. */
    private static final Pattern ANY_SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{");
    private static final List<String> SUFFIXES = List.of("_bucket", "_count", "_sum", "_max");
    private static final Pattern QUANTILE = Pattern.compile(
            "histogram_quantile\\(0\\.\\d+, sum by \\(le\\) \\(rate\\((\\w+)_bucket\\{[^}]*}\\[\\$__rate_interval]\\)\\)\\)");
    /** Documented series that a short run of a node cannot produce, and why. */
    private static final Set<String> NOT_IN_A_SHORT_RUN = Set.of(
            "bosh_sm_fallbacks_total");                 // only with sm.mode = managed and a SCRAM login
    private static final List<String> ROWS = List.of("Overview", "Requests", "Traffic", "Limits and hostile input",
            "Upstream (XMPP servers)", "Stream management (XEP-0198)", "Drain and health", "JVM and process",
            "Jetty threads and Netty memory");

    private static Map<String, Object> dashboard;
    /** Every panel, those inside collapsed rows included, in order. */
    private static final List<Map<String, Object>> panels = new ArrayList<>();
    /** Every PromQL expression of every panel. */
    private static final List<String> exprs = new ArrayList<>();

    @BeforeAll
    static void load() throws IOException {
        dashboard = map(Json.parse(Files.readString(repoFile("docs/grafana/boshcm-dashboard.json"))));
        collect(list(dashboard.get("panels")));
        for (Map<String, Object> panel : panels) {
            for (Object target : list(panel.getOrDefault("targets", List.of()))) {
                exprs.add((String) map(target).get("expr"));
            }
        }
    }

    @Test
    void importsAnywhereWithADataSourceInputAndJobAndInstanceVariables() {
        assertThat(dashboard.get("schemaVersion")).as("Grafana 10.4 / 11").isEqualTo(39L);
        assertThat(dashboard.get("id")).as("no id of the Grafana it came from").isNull();
        assertThat(dashboard.get("uid")).isEqualTo("boshcm");

        Map<String, Object> input = map(list(dashboard.get("__inputs")).get(0));
        assertThat(input).containsEntry("name", "DS_PROMETHEUS").containsEntry("type", "datasource")
                .containsEntry("pluginId", "prometheus");

        Map<String, Map<String, Object>> variables = new LinkedHashMap<>();
        for (Object v : list(map(dashboard.get("templating")).get("list"))) {
            variables.put((String) map(v).get("name"), map(v));
        }
        assertThat(variables).containsOnlyKeys("datasource", "job", "instance");
        assertThat(variables.get("datasource")).containsEntry("type", "datasource").containsEntry("query", "prometheus");
        assertThat(map(variables.get("datasource").get("current"))).containsEntry("value", "${DS_PROMETHEUS}");
        for (String name : List.of("job", "instance")) {
            Map<String, Object> v = variables.get(name);
            assertThat(v).containsEntry("type", "query").containsEntry("multi", true).containsEntry("includeAll", true)
                    .containsEntry("allValue", ".*");
            assertThat(map(v.get("datasource"))).containsEntry("uid", "${datasource}");
            assertThat((String) v.get("definition")).startsWith("label_values(bosh_sessions_active").endsWith(", " + name + ")");
            assertThat(map(v.get("query"))).containsEntry("query", v.get("definition"));
        }
    }

    @Test
    void panelsHaveUniqueIdsFitTheGridAndQueryThroughTheDataSourceVariable() {
        Set<Object> ids = new HashSet<>();
        List<String> rows = new ArrayList<>();
        for (Map<String, Object> panel : panels) {
            String title = (String) panel.get("title");
            assertThat(ids.add(panel.get("id"))).as("id of %s is unique", title).isTrue();
            assertThat(panel.get("id")).as(title).isInstanceOf(Long.class);
            Map<String, Object> grid = map(panel.get("gridPos"));
            assertThat((Long) grid.get("x") + (Long) grid.get("w")).as("%s fits 24 columns", title).isLessThanOrEqualTo(24);
            switch ((String) panel.get("type")) {
                case "row" -> rows.add(title);
                case "text" -> assertThat(panel).as(title).doesNotContainKey("targets");
                case "timeseries", "stat" -> {
                    assertThat(map(panel.get("datasource"))).as(title).containsEntry("type", "prometheus")
                            .containsEntry("uid", "${datasource}");
                    assertThat((String) panel.get("description")).as(title).isNotBlank();
                    List<Object> targets = list(panel.get("targets"));
                    assertThat(targets).as(title).isNotEmpty();
                    Set<Object> refIds = new HashSet<>();
                    for (Object t : targets) {
                        Map<String, Object> target = map(t);
                        assertThat(map(target.get("datasource"))).as(title).containsEntry("uid", "${datasource}");
                        assertThat(refIds.add(target.get("refId"))).as("refId in %s", title).isTrue();
                        assertThat((String) target.get("expr")).as(title).isNotBlank();
                    }
                }
                default -> throw new AssertionError("unexpected panel type " + panel.get("type") + " in " + title);
            }
        }
        assertThat(rows).containsExactlyElementsOf(ROWS);
        assertThat(exprs).hasSizeGreaterThan(80);
    }

    @Test
    void everySeriesItQueriesIsDocumentedAndUsedAsItsTypeAllows() throws IOException {
        Map<String, String> types = documentedTypes();
        assertThat(types).as("docs/metrics.md tables").hasSizeGreaterThan(60);
        Set<String> problems = new TreeSet<>();
        for (String expr : exprsAndVariableQueries()) {
            Matcher m = SERIES.matcher(expr);
            while (m.find()) {
                String name = m.group(1);
                String problem = problem(name, types, expr.substring(0, m.start()));
                if (problem != null) {
                    problems.add(name + ": " + problem + " in " + expr);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everySelectorTakesTheVariablesAndEveryRangeIsTheRateInterval() {
        Set<String> problems = new TreeSet<>();
        for (String expr : exprs) {
            Matcher m = SERIES.matcher(expr);
            while (m.find()) {
                if (!expr.startsWith(SELECTOR, m.end())) {
                    problems.add(m.group(1) + " without " + SELECTOR + " in " + expr);
                }
            }
            for (Matcher selector = ANY_SELECTOR.matcher(expr); selector.find(); ) {
                String name = selector.group(1);
                if (!SERIES.matcher(name).matches() && !name.equals("up")) {     // up: Prometheus's own
                    problems.add("a series boshcm does not export: " + name + " in " + expr);
                }
            }
            Matcher range = Pattern.compile("\\[([^]]*)]").matcher(expr);
            while (range.find()) {
                if (!range.group(1).equals("$__rate_interval")) {
                    problems.add("range [" + range.group(1) + "] in " + expr);
                }
            }
            int quantiles = expr.split("histogram_quantile\\(", -1).length - 1;
            int wellFormed = 0;
            for (Matcher q = QUANTILE.matcher(expr); q.find(); ) {
                wellFormed++;
            }
            if (quantiles != wellFormed) {
                problems.add("not histogram_quantile(φ, sum by (le) (rate(x_bucket{…}[$__rate_interval]))): " + expr);
            }
        }
        assertThat(problems).isEmpty();
    }

    /**
     * A node in front of nothing (127.0.0.1:1): one session that fails upstream at once, then a drain and a
     * creation it refuses. By then every series the dashboard names is in the scrape, except those a short run
     * cannot produce.
     */
    @Test
    void everySeriesItQueriesIsInTheScrapeOfARealNode() throws Exception {
        Set<String> used = new TreeSet<>();
        for (String expr : exprsAndVariableQueries()) {
            for (Matcher m = SERIES.matcher(expr); m.find(); ) {
                used.add(m.group(1));
            }
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (RunningCm cm = Main.start("--http-port", "0", "--admin-port", "0", "--http-stop-timeout", "100ms",
                "--upstream", "127.0.0.1:1", "--upstream-tls", "disabled")) {
            URI metrics = cm.adminUri().orElseThrow().resolve("/metrics");
            String create = "<body rid='1' to='example.com' ver='1.11' xmlns='http://jabber.org/protocol/httpbind'/>";
            assertThat(post(client, cm.boshUri(), create)).contains("remote-connection-failed");
            cm.beginDrain();
            assertThat(post(client, cm.boshUri(), create)).contains("system-shutdown");

            Set<String> missing = new TreeSet<>(used);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (true) {
                Set<String> scraped = sampleNames(client.send(HttpRequest.newBuilder(metrics).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                missing.removeIf(name -> scraped.contains(name) || NOT_IN_A_SHORT_RUN.contains(name));
                if (missing.isEmpty() || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(missing).as("series the dashboard queries that the scrape lacks").isEmpty();
        }
        assertThat(used).as("series the dashboard queries").hasSizeGreaterThan(60);
    }

    // ---- the rules ----

    /** Why {@code name}, preceded by {@code before} in its expression, is wrong; null if it is right. */
    private static String problem(String name, Map<String, String> types, String before) {
        boolean inRate = before.endsWith("rate(") || before.endsWith("increase(");
        String type = types.get(name);
        if (type != null) {
            if (isDistribution(type)) {
                return "a " + type + " has no series of its own name; use _bucket, _count, _sum or _max";
            }
            if (type.startsWith("counter")) {
                return inRate ? null : "a counter outside rate()/increase()";
            }
            return inRate ? "a " + type + " in rate()" : null;
        }
        for (String suffix : SUFFIXES) {
            if (name.endsWith(suffix)) {
                String base = types.get(name.substring(0, name.length() - suffix.length()));
                if (base == null || !isDistribution(base)) {
                    continue;
                }
                if (suffix.equals("_bucket") && !base.contains("histogram")) {
                    return "_bucket of a " + base + " without a histogram";
                }
                if (suffix.equals("_max")) {
                    return inRate ? "_max (a gauge) in rate()" : null;
                }
                return inRate ? null : suffix + " outside rate()/increase()";
            }
        }
        return "not in docs/metrics.md";
    }

    private static boolean isDistribution(String type) {
        return type.contains("timer") || type.contains("summary") || type.contains("histogram");
    }

    /**
     * The type column of every docs/metrics.md table row that names series, by name. Timers and summaries
     * are listed under their family name ({@code bosh_session_duration_seconds} for a row that names
     * {@code bosh_session_duration_seconds_count}, {@code _sum} and {@code _max}).
     */
    private static Map<String, String> documentedTypes() throws IOException {
        Map<String, String> types = new TreeMap<>();
        for (String line : Files.readString(repoFile("docs/metrics.md")).lines().toList()) {
            String[] cells = line.split("\\|");
            if (!line.startsWith("|") || cells.length < 3) {
                continue;
            }
            String type = cells[2].trim();
            for (Matcher m = DOCUMENTED.matcher(cells[1]); m.find(); ) {
                String name = m.group(1);
                if (isDistribution(type)) {
                    for (String suffix : SUFFIXES) {
                        if (name.endsWith(suffix)) {
                            name = name.substring(0, name.length() - suffix.length());
                        }
                    }
                }
                types.put(name, type);
            }
        }
        return types;
    }

    private List<String> exprsAndVariableQueries() {
        List<String> all = new ArrayList<>(exprs);
        for (Object v : list(map(dashboard.get("templating")).get("list"))) {
            if ("query".equals(map(v).get("type"))) {
                all.add((String) map(v).get("definition"));
            }
        }
        return all;
    }

    private static void collect(List<Object> list) {
        for (Object p : list) {
            Map<String, Object> panel = map(p);
            panels.add(panel);
            collect(list(panel.getOrDefault("panels", List.of())));
        }
    }

    private static String post(HttpClient client, URI uri, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The sample names of a Prometheus text scrape, like {@code bosh_requests_total}. */
    private static Set<String> sampleNames(String text) {
        Set<String> names = new HashSet<>();
        for (String line : text.lines().toList()) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    /** A file of the repository; tests run in cm-server, IDEs sometimes at the root. */
    private static Path repoFile(String path) {
        Path fromModule = Path.of("..").resolve(path);
        return Files.exists(fromModule) ? fromModule : Path.of(path);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        assertThat(o).isInstanceOf(List.class);
        return (List<Object>) o;
    }

    /**
     * A strict JSON reader (RFC 8259), since the test class path has no JSON library: objects become
     * ordered maps (a repeated key is an error), arrays lists, numbers Long or Double, and the literals
     * Boolean or null.
     */
    static final class Json {
        private final String s;
        private int i;

        private Json(String s) {
            this.s = s;
        }

        static Object parse(String text) {
            Json p = new Json(text);
            Object value = p.value();
            p.space();
            if (p.i != text.length()) {
                throw p.error("text after the value");
            }
            return value;
        }

        private Object value() {
            space();
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(i);
            switch (c) {
                case '{':
                    return object();
                case '[':
                    return array();
                case '"':
                    return string();
                case 't':
                    return literal("true", Boolean.TRUE);
                case 'f':
                    return literal("false", Boolean.FALSE);
                case 'n':
                    return literal("null", null);
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw error("unexpected '" + c + "'");
            }
        }

        private Map<String, Object> object() {
            Map<String, Object> out = new LinkedHashMap<>();
            i++;
            space();
            if (peek('}')) {
                i++;
                return out;
            }
            while (true) {
                space();
                if (!peek('"')) {
                    throw error("expected a key");
                }
                String key = string();
                space();
                expect(':');
                if (out.containsKey(key)) {
                    throw error("repeated key " + key);
                }
                out.put(key, value());
                space();
                if (peek(',')) {
                    i++;
                } else {
                    expect('}');
                    return out;
                }
            }
        }

        private List<Object> array() {
            List<Object> out = new ArrayList<>();
            i++;
            space();
            if (peek(']')) {
                i++;
                return out;
            }
            while (true) {
                out.add(value());
                space();
                if (peek(',')) {
                    i++;
                } else {
                    expect(']');
                    return out;
                }
            }
        }

        private String string() {
            StringBuilder out = new StringBuilder();
            i++;
            while (true) {
                if (i >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(i++);
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    throw error("control character in a string");
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (i >= s.length()) {
                    throw error("unterminated escape");
                }
                char e = s.charAt(i++);
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (i + 4 > s.length()) {
                            throw error("short \\u escape");
                        }
                        out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> throw error("bad escape \\" + e);
                }
            }
        }

        private Object number() {
            Matcher m = Pattern.compile("-?(?:0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?").matcher(s).region(i, s.length());
            if (!m.lookingAt()) {
                throw error("bad number");
            }
            i = m.end();
            String n = m.group();
            return m.group(1) == null && m.group(2) == null ? (Object) Long.parseLong(n) : (Object) Double.parseDouble(n);
        }

        private Object literal(String word, Object value) {
            if (!s.startsWith(word, i)) {
                throw error("bad literal");
            }
            i += word.length();
            return value;
        }

        private void space() {
            while (i < s.length() && " \t\n\r".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
        }

        private boolean peek(char c) {
            return i < s.length() && s.charAt(i) == c;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
            i++;
        }

        private IllegalArgumentException error(String what) {
            int line = 1;
            for (int k = 0; k < Math.min(i, s.length()); k++) {
                if (s.charAt(k) == '\n') {
                    line++;
                }
            }
            return new IllegalArgumentException("JSON: " + what + " at line " + line + " (offset " + i + ")");
        }
    }
}
