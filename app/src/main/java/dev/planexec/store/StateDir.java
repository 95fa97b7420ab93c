package dev.planexec.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where planexec keeps its state: {@code PLANEXEC_HOME} if set, else {@code $XDG_STATE_HOME/planexec}, else
 * {@code ~/.local/state/planexec}. Folders 0700, files 0600.
 *
 * <pre>
 * sessions/&lt;session-id&gt;/   the local agent's sessions (events.jsonl, session.json)
 * logs/planexec.log          full errors and stack traces
 * </pre>
 */
public record StateDir(Path root) {

    public static StateDir resolve(Map<String, String> env) {
        String home = env.get("PLANEXEC_HOME");
        if (home != null && !home.isBlank()) {
            return new StateDir(Path.of(home).toAbsolutePath());
        }
        String xdg = env.get("XDG_STATE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return new StateDir(Path.of(xdg, "planexec").toAbsolutePath());
        }
        return new StateDir(Path.of(System.getProperty("user.home"), ".local", "state", "planexec"));
    }

    /** Creates the root (0700) if needed and returns this. */
    public StateDir create() throws IOException {
        SecureFiles.createDirectories(root);
        return this;
    }

    public Path sessions() {
        return root.resolve("sessions");
    }

    public Path logFile() {
        return root.resolve("logs").resolve("planexec.log");
    }
}
