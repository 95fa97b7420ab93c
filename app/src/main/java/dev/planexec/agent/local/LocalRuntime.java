package dev.planexec.agent.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.planexec.agent.AgentException;
import dev.planexec.agent.AgentRuntime;
import dev.planexec.agent.AgentSession;
import dev.planexec.agent.GitContexts;
import dev.planexec.agent.SessionContext;
import dev.planexec.agent.SessionFilter;
import dev.planexec.agent.SessionIds;
import dev.planexec.agent.SessionInfo;
import dev.planexec.agent.SessionSpec;
import dev.planexec.agent.SessionUnavailableException;
import dev.planexec.agent.process.ProcessReaper;
import dev.planexec.agent.process.ProcessTrees;
import dev.planexec.store.SecureFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The local agent's sessions: one folder each under the state folder's {@code sessions/}, holding an append-only
 * {@code events.jsonl}. The first event ({@code created}) names the session, its task, plan and context; the folder's
 * last change is the session's last activity.
 */
final class LocalRuntime implements AgentRuntime {
    private final Path sessionsDir;
    private final GitContexts git = new GitContexts();
    private final Set<LocalSession> open = ConcurrentHashMap.newKeySet();

    LocalRuntime(Path sessionsDir) {
        this.sessionsDir = sessionsDir;
    }

    @Override
    public String name() {
        return LocalAgentProvider.NAME;
    }

    @Override
    public AgentSession create(SessionSpec spec) throws AgentException {
        Path dir = folderOf(spec.sessionId());
        SessionContext context = git.of(spec.workingDirectory());
        try {
            SecureFiles.createDirectories(sessionsDir);
            if (Files.exists(dir.resolve(SessionLog.FILE))) {
                throw new AgentException("session " + spec.sessionId() + " already exists");
            }
            SecureFiles.createDirectories(dir);
            SessionLog log = SessionLog.open(dir);
            ObjectNode created = SessionLog.event("created");
            created.put("sessionId", spec.sessionId());
            created.put("taskId", spec.task().taskId());
            created.put("plan", spec.task().planFile());
            ObjectNode contextNode = created.putObject("context");
            context.toMap().forEach(contextNode::put);
            log.append(created);
            return track(new LocalSession(spec, context, log, Map.of()));
        } catch (IOException e) {
            throw new AgentException("cannot create local session " + spec.sessionId() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public AgentSession resume(SessionSpec spec) throws AgentException {
        Path dir = folderOf(spec.sessionId());
        if (!Files.isRegularFile(dir.resolve(SessionLog.FILE))) {
            throw new SessionUnavailableException("session " + spec.sessionId() + " no longer exists");
        }
        try {
            List<JsonNode> events = SessionLog.read(dir);
            if (events.isEmpty()
                    || !"created".equals(events.get(0).path("type").asText())
                    || !spec.sessionId().equals(events.get(0).path("sessionId").asText())) {
                throw new SessionUnavailableException("session " + spec.sessionId() + " is corrupt (no valid start)");
            }
            killLeftovers(events);
            SessionContext context = git.of(spec.workingDirectory());
            SessionLog log = SessionLog.open(dir);
            log.append(SessionLog.event("resumed"));
            return track(new LocalSession(spec, context, log, finishedSteps(events)));
        } catch (IOException e) {
            throw new SessionUnavailableException(
                    "session " + spec.sessionId() + " cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public List<SessionInfo> list(SessionFilter filter) throws AgentException {
        if (!Files.isDirectory(sessionsDir)) {
            return List.of();
        }
        List<SessionInfo> sessions = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(sessionsDir)) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                info(dir).filter(s -> filter.matches(s.id(), s.context())).ifPresent(sessions::add);
            }
        } catch (IOException e) {
            throw new AgentException("cannot list sessions in " + sessionsDir + ": " + e.getMessage(), e);
        }
        sessions.sort(Comparator.comparing(SessionInfo::lastActivity).reversed());
        return sessions;
    }

    @Override
    public Optional<SessionInfo> find(String sessionId) {
        return info(folderOf(sessionId)).filter(s -> s.id().equals(sessionId));
    }

    @Override
    public void delete(String sessionId) throws AgentException {
        Path dir = folderOf(sessionId);
        try {
            if (Files.isRegularFile(dir.resolve(SessionLog.FILE))) {
                killLeftovers(SessionLog.read(dir));
            }
            SecureFiles.deleteTree(dir);
        } catch (IOException e) {
            throw new AgentException("cannot delete session " + sessionId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        for (LocalSession session : List.copyOf(open)) {
            session.abort();
            session.close();
        }
        // What finished steps left running in the background ends with the run.
        ProcessReaper.killGroups();
    }

    private LocalSession track(LocalSession session) {
        open.add(session);
        session.onClose(() -> open.remove(session));
        return session;
    }

    /** The session's folder; the id is made a safe name first, so no id can point outside {@code sessions/}. */
    Path folderOf(String sessionId) {
        Path dir = sessionsDir.resolve(SessionIds.fileName(sessionId)).normalize();
        if (!sessionsDir.equals(dir.getParent())) {
            throw new IllegalArgumentException("session id escapes the sessions folder: " + sessionId);
        }
        return dir;
    }

    private Optional<SessionInfo> info(Path dir) {
        try {
            JsonNode created = SessionLog.readFirst(dir);
            if (created == null || !"created".equals(created.path("type").asText())) {
                return Optional.empty();
            }
            Map<String, String> context = new HashMap<>();
            created.path("context")
                    .properties()
                    .forEach(e -> context.put(e.getKey(), e.getValue().asText()));
            Instant last =
                    Files.getLastModifiedTime(dir.resolve(SessionLog.FILE)).toInstant();
            return Optional.of(new SessionInfo(
                    created.path("sessionId").asText(),
                    LocalAgentProvider.NAME,
                    SessionContext.fromMap(context),
                    Instant.parse(created.path("ts").asText()),
                    last,
                    created.path("taskId").asText(null),
                    created.path("plan").asText(null),
                    null));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Steps that ended with exit code 0, by index, with the command they ran. */
    private static Map<Integer, String> finishedSteps(List<JsonNode> events) {
        Map<Integer, String> finished = new HashMap<>();
        for (JsonNode event : events) {
            if ("step_end".equals(event.path("type").asText())
                    && event.path("exitCode").asInt(-1) == 0) {
                finished.put(event.path("index").asInt(), event.path("run").asText());
            }
        }
        return finished;
    }

    /**
     * A run killed with {@code kill -9} cannot stop the step it was running; that step's process group may live on.
     * It is stopped before the session goes on or goes away.
     */
    private static void killLeftovers(List<JsonNode> events) {
        Map<Integer, JsonNode> running = new HashMap<>();
        for (JsonNode event : events) {
            String type = event.path("type").asText();
            if ("step_start".equals(type)) {
                running.put(event.path("index").asInt(), event);
            } else if ("step_end".equals(type)) {
                running.remove(event.path("index").asInt());
            }
        }
        for (JsonNode start : running.values()) {
            long pid = start.path("pid").asLong(-1);
            String started = start.path("pidStarted").asText(null);
            if (pid > 0 && started != null) {
                ProcessTrees.killLeftover(pid, Instant.parse(started));
            }
        }
    }
}
