package dev.planexec.agent.cli;

import dev.planexec.agent.AgentException;
import dev.planexec.store.SecureFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Finding and removing what a CLI stored for a session in its own folder under the user's home. */
final class StoredFiles {
    private StoredFiles() {}

    /** {@code $variable} if set, else {@code ~/<name>}. */
    static Path home(Map<String, String> env, String variable, String name) {
        String configured = env.getOrDefault(variable, System.getenv(variable));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, name);
    }

    /** Files and folders under {@code root}, at most {@code depth} deep, whose name matches. */
    static List<Path> find(Path root, int depth, Predicate<String> name) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(root, depth)) {
            return paths.filter(
                            p -> !p.equals(root) && name.test(p.getFileName().toString()))
                    .toList();
        }
    }

    /** Removes every path; the first failure is reported after the rest were tried. */
    static void removeAll(String agent, List<Path> paths) throws AgentException {
        List<String> failed = new ArrayList<>();
        for (Path path : paths) {
            try {
                SecureFiles.deleteTree(path);
            } catch (IOException e) {
                failed.add(path + " (" + e.getMessage() + ")");
            }
        }
        if (!failed.isEmpty()) {
            throw new AgentException("cannot remove what " + agent + " stored: " + String.join(", ", failed));
        }
    }
}
