package boshcm.bench.load.measure;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the scale run and the soak read from boshcm itself: a full GC through {@code jcmd <pid> GC.run}, and its
 * Prometheus text from the admin listener ({@code /metrics}). The scrape is an HTTP/1.0 request on
 * a fresh connection, which the server closes after answering, so the sampler holds no descriptor
 * of boshcm's between samples (the descriptor count must come back to its baseline).
 */
public final class BoshcmProbe {

    private BoshcmProbe() {}

    /** {@code jcmd <pid> GC.run}: a full, stop-the-world collection; returns when it is done. */
    public static void fullGc(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("jcmd GC.run did not finish");
        }
    }

    /** The body of {@code GET /metrics} on 127.0.0.1:{@code adminPort}. */
    public static String scrape(int adminPort) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", adminPort), 10_000);
            s.setSoTimeout(20_000);
            s.getOutputStream().write(("GET /metrics HTTP/1.0\r\nHost: 127.0.0.1:" + adminPort + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            if (!text.startsWith("HTTP/1.") || end < 0 || !text.substring(0, text.indexOf("\r\n")).contains(" 200")) {
                throw new IOException("boshcm /metrics answered " + text.substring(0, Math.min(60, text.length())));
            }
            return text.substring(end + 4);
        }
    }

    /**
     * The sum of the samples of metric {@code name} (Prometheus text format) whose labels contain
     * every one of {@code labels} (like {@code area="heap"}); 0 when there is none.
     */
    public static double value(String metrics, String name, String... labels) {
        double total = 0;
        for (String line : metrics.split("\n")) {
            if (!line.startsWith(name) || line.length() == name.length()) {
                continue;
            }
            char next = line.charAt(name.length());
            if (next != ' ' && next != '{') {
                continue; // another metric whose name starts with this one
            }
            int space = line.lastIndexOf(' ');
            String labelPart = next == '{' ? line.substring(name.length(), line.indexOf('}') + 1) : "";
            boolean all = true;
            for (String l : labels) {
                all &= labelPart.contains(l);
            }
            if (all) {
                total += Double.parseDouble(line.substring(space + 1));
            }
        }
        return total;
    }

    /** Every sample of {@code name}, by its label text ({@code {cause="…",condition="…"}}), in order. */
    public static Map<String, Double> samples(String metrics, String name) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                int space = line.lastIndexOf(' ');
                out.put(line.substring(name.length(), space).trim(), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return out;
    }
}
