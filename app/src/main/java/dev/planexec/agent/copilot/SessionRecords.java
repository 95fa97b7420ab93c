package dev.planexec.agent.copilot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.planexec.agent.SessionContext;
import dev.planexec.agent.SessionIds;
import dev.planexec.store.SecureFiles;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * planexec's own record of each Copilot session it created: {@code <state>/copilot/<session-id>.json}, 0600,
 * holding the session id, the task, the plan file, when it was created, and where it runs (cwd, git root, repository,
 * branch, as the CLI reported them when the session started).
 *
 * <p>Copilot CLI 1.0.50 lists sessions without their context, so its own list filters find nothing; these records
 * are how planexec filters its sessions by working directory, repository or branch, and tells which plan and task a
 * session belongs to. They hold no key and nothing of the conversation.
 *
 * <pre>{@code
 * {"id":"planexec-demo-setup-3f9a1c2e","task":"setup","plan":"/work/plans/demo.json",
 *  "createdAt":"2026-11-21T10:00:00Z","context":{"cwd":"/work","gitRoot":"/work","branch":"main"}}
 * }</pre>
 */
final class SessionRecords {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUFFIX = ".json";

    private final Path dir;

    SessionRecords(Path dir) {
        this.dir = dir;
    }

    /** One session as planexec recorded it. */
    record Entry(String id, String taskId, String planFile, Instant createdAt, SessionContext context) {}

    void write(Entry entry) throws IOException {
        SecureFiles.createDirectories(dir);
        ObjectNode node = JSON.createObjectNode();
        node.put("id", entry.id());
        node.put("task", entry.taskId());
        node.put("plan", entry.planFile());
        node.put("createdAt", entry.createdAt().toString());
        ObjectNode context = node.putObject("context");
        entry.context().toMap().forEach(context::put);
        Path file = fileOf(entry.id());
        Path temp = dir.resolve(file.getFileName() + ".tmp");
        SecureFiles.write(temp, JSON.writeValueAsBytes(node));
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    Optional<Entry> read(String sessionId) {
        return read(fileOf(sessionId)).filter(e -> e.id().equals(sessionId));
    }

    /** Every readable record, by session id; unreadable ones are skipped. */
    Map<String, Entry> readAll() {
        Map<String, Entry> entries = new HashMap<>();
        if (!Files.isDirectory(dir)) {
            return entries;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> f.getFileName().toString().endsWith(SUFFIX))
                    .forEach(f -> read(f).ifPresent(e -> entries.put(e.id(), e)));
        } catch (IOException e) {
            // No records readable: sessions are listed without them.
        }
        return entries;
    }

    void delete(String sessionId) throws IOException {
        Files.deleteIfExists(fileOf(sessionId));
    }

    private Optional<Entry> read(Path file) {
        try {
            JsonNode node = JSON.readTree(file.toFile());
            String id = node.path("id").asText(null);
            if (id == null) {
                return Optional.empty();
            }
            Map<String, String> context = new HashMap<>();
            node.path("context")
                    .properties()
                    .forEach(e -> context.put(e.getKey(), e.getValue().asText()));
            Instant created;
            try {
                created = Instant.parse(node.path("createdAt").asText());
            } catch (RuntimeException e) {
                created = null;
            }
            return Optional.of(new Entry(
                    id,
                    node.path("task").asText(null),
                    node.path("plan").asText(null),
                    created,
                    SessionContext.fromMap(context)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The record's file; the id becomes a safe file name first, so no id can point outside the folder. */
    private Path fileOf(String sessionId) {
        Path file = dir.resolve(SessionIds.fileName(sessionId) + SUFFIX).normalize();
        if (!dir.normalize().equals(file.getParent())) {
            throw new IllegalArgumentException("session id escapes the records folder: " + sessionId);
        }
        return file;
    }
}
