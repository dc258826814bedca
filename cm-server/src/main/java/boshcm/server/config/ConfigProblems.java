package boshcm.server.config;

import java.util.List;

/** Bad configuration: every problem found, listed at once, one per line. */
public final class ConfigProblems extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    public ConfigProblems(List<String> problems) {
        super("invalid configuration (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + "):\n  "
                + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
