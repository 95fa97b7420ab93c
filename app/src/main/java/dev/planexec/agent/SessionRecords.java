package dev.planexec.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.planexec.store.SecureFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The records of one agent's sessions (see {@link SessionRecord}): {@code <state>/<agent>/<id>.json}, one small JSON file each, 0600 in a
 * 0700 folder, named with {@link SessionIds#fileName} so no id reaches outside the folder. Each is replaced
 * atomically, so a crash leaves the old record or the new one.
 */
public final class SessionRecords {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUFFIX = ".json";

    private final Path dir;

    public SessionRecords(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** A file in the agent's folder for {@code sessionId} with {@code suffix}, e.g. Pi's session file. */
    public Path fileFor(String sessionId, String suffix) {
        Path file = dir.resolve(SessionIds.fileName(sessionId) + suffix).normalize();
        if (!dir.equals(file.getParent())) {
            throw new IllegalArgumentException("session id escapes " + dir + ": " + sessionId);
        }
        return file;
    }

    public synchronized void save(SessionRecord record) throws IOException {
        SecureFiles.createDirectories(dir);
        ObjectNode node = JSON.createObjectNode();
        node.put("agent", record.agent());
        node.put("sessionId", record.sessionId());
        node.put("taskId", record.taskId());
        node.put("plan", record.planFile());
        ObjectNode context = node.putObject("context");
        record.context().toMap().forEach(context::put);
        node.put("createdAt", record.createdAt().toString());
        node.put("lastActivity", record.lastActivity().toString());
        record.previousIds().forEach(node.putArray("previousIds")::add);
        if (record.sessionFile() != null) {
            node.put("sessionFile", record.sessionFile());
        }
        if (record.pid() > 0 && record.pidStarted() != null) {
            node.put("pid", record.pid());
            node.put("pidStarted", record.pidStarted().toString());
        }
        Path target = fileFor(record.sessionId(), SUFFIX);
        Path temp = dir.resolve("." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            SecureFiles.write(temp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    public Optional<SessionRecord> find(String sessionId) {
        return read(fileFor(sessionId, SUFFIX)).filter(r -> r.sessionId().equals(sessionId));
    }

    public List<SessionRecord> all() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<SessionRecord> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)
                            && !f.getFileName().toString().startsWith("."))
                    .forEach(f -> read(f).ifPresent(records::add));
        }
        return records;
    }

    public synchronized void delete(String sessionId) throws IOException {
        Files.deleteIfExists(fileFor(sessionId, SUFFIX));
    }

    private static Optional<SessionRecord> read(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            JsonNode node = JSON.readTree(file.toFile());
            Map<String, String> context = new HashMap<>();
            node.path("context")
                    .properties()
                    .forEach(e -> context.put(e.getKey(), e.getValue().asText()));
            List<String> previous = new ArrayList<>();
            node.path("previousIds").forEach(n -> previous.add(n.asText()));
            return Optional.of(new SessionRecord(
                    node.path("agent").asText(),
                    node.path("sessionId").asText(),
                    node.path("taskId").asText(null),
                    node.path("plan").asText(null),
                    SessionContext.fromMap(context),
                    Instant.parse(node.path("createdAt").asText()),
                    Instant.parse(node.path("lastActivity").asText()),
                    previous,
                    node.path("sessionFile").asText(null),
                    node.path("pid").asLong(0),
                    node.hasNonNull("pidStarted")
                            ? Instant.parse(node.path("pidStarted").asText())
                            : null));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // a torn or foreign file is not a session
        }
    }
}
