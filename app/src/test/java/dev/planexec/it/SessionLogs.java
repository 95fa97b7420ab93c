package dev.planexec.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The local agent's sessions as they are on disk under {@code PLANEXEC_HOME/sessions}, read the way a crash leaves
 * them: a line cut short is skipped, a folder without its first event is still listed.
 */
final class SessionLogs {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SessionLogs() {}

    /**
     * One session folder.
     *
     * @param folder the folder's name (the session id, for the ids planexec makes)
     * @param taskId the task its {@code created} event names, or {@code null} if it has none yet
     * @param plan the plan file its {@code created} event names, or {@code null}
     */
    record Session(String folder, String taskId, String plan, List<JsonNode> events) {

        /** Indexes of the steps that have a {@code step_end} with exit code 0. */
        Set<Integer> finishedSteps() {
            Set<Integer> done = new TreeSet<>();
            for (JsonNode e : events) {
                if ("step_end".equals(e.path("type").asText())
                        && e.path("exitCode").asInt(-1) == 0) {
                    done.add(e.path("index").asInt());
                }
            }
            return done;
        }

        /** Indexes of the steps that have a {@code step_start}. */
        Set<Integer> startedSteps() {
            Set<Integer> started = new TreeSet<>();
            for (JsonNode e : events) {
                if ("step_start".equals(e.path("type").asText())) {
                    started.add(e.path("index").asInt());
                }
            }
            return started;
        }
    }

    static Path dir(Path home) {
        return home.resolve("sessions");
    }

    static List<Session> all(Path home) {
        Path dir = dir(home);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Session> sessions = new ArrayList<>();
        try (Stream<Path> folders = Files.list(dir)) {
            for (Path folder : (Iterable<Path>) folders.sorted()::iterator) {
                sessions.add(read(folder));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sessions;
    }

    static Session read(Path folder) {
        List<JsonNode> events = new ArrayList<>();
        Path file = folder.resolve("events.jsonl");
        if (Files.isRegularFile(file)) {
            try {
                for (String line : new String(Files.readAllBytes(file), StandardCharsets.UTF_8)
                        .lines()
                        .toList()) {
                    try {
                        events.add(JSON.readTree(line));
                    } catch (IOException e) {
                        // a line cut short by kill -9: planexec skips it too
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String taskId = null;
        String plan = null;
        if (!events.isEmpty() && "created".equals(events.get(0).path("type").asText())) {
            taskId = events.get(0).path("taskId").asText(null);
            plan = events.get(0).path("plan").asText(null);
        }
        return new Session(folder.getFileName().toString(), taskId, plan, events);
    }
}
