package dev.planexec.agent.cli;

import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentException;
import dev.planexec.agent.AgentRuntime;
import dev.planexec.agent.AgentSession;
import dev.planexec.agent.CliLookup;
import dev.planexec.agent.GitContexts;
import dev.planexec.agent.SessionContext;
import dev.planexec.agent.SessionFilter;
import dev.planexec.agent.SessionIds;
import dev.planexec.agent.SessionInfo;
import dev.planexec.agent.SessionRecord;
import dev.planexec.agent.SessionRecords;
import dev.planexec.agent.SessionSpec;
import dev.planexec.agent.SessionUnavailableException;
import dev.planexec.agent.process.ProcessTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A CLI agent for one run. Sessions are the CLI's own; planexec keeps a record of each one it created in
 * {@code <state>/<agent>/}, which is what {@link #list} shows and what tells planexec's sessions from the user's.
 */
final class CliRuntime implements AgentRuntime {
    private final CliAgent agent;
    private final AgentEnvironment environment;
    private final SessionRecords records;
    private final GitContexts git = new GitContexts();
    private final Set<CliSession> open = ConcurrentHashMap.newKeySet();

    CliRuntime(CliAgent agent, AgentEnvironment environment) {
        this.agent = agent;
        this.environment = environment;
        this.records = new SessionRecords(environment.stateDir().resolve(agent.name()));
    }

    @Override
    public String name() {
        return agent.name();
    }

    /** The CLI must be there; signing in and the model are the CLI's to check when it runs. */
    @Override
    public void checkReady() throws AgentException {
        executable();
    }

    @Override
    public AgentSession create(SessionSpec spec) throws AgentException {
        Path cli = executable();
        SessionContext context = git.of(spec.workingDirectory());
        Path sessionFile = null;
        if (agent.sessionFileSuffix() != null) {
            sessionFile = records.fileFor(spec.sessionId(), agent.sessionFileSuffix());
        }
        SessionRecord record = new SessionRecord(
                agent.name(),
                spec.sessionId(),
                spec.task().taskId(),
                spec.task().planFile(),
                context,
                Instant.now(),
                Instant.now(),
                List.of(),
                sessionFile == null ? null : sessionFile.toString(),
                0,
                null);
        if (!agent.learnsId()) {
            // The plan already names this id; the record says it is planexec's before the CLI ever sees it.
            try {
                records.save(record);
            } catch (IOException e) {
                throw new AgentException(
                        "cannot record " + agent.name() + " session " + spec.sessionId() + " in " + records.dir() + ": "
                                + e.getMessage(),
                        e);
            }
        }
        return track(new CliSession(agent, cli, environment, spec, context, records, record, false));
    }

    @Override
    public AgentSession resume(SessionSpec spec) throws AgentException {
        Path cli = executable();
        String id = spec.sessionId();
        if (agent.isPlaceholder(id)) {
            throw new SessionUnavailableException(agent.name() + " had not named its session yet when the run stopped;"
                    + " there is no conversation to resume");
        }
        SessionContext context = git.of(spec.workingDirectory());
        Optional<SessionRecord> found = records.find(id);
        String sessionFile = found.map(SessionRecord::sessionFile).orElse(null);
        if (agent.sessionFileSuffix() != null) {
            if (sessionFile == null) {
                sessionFile = records.fileFor(id, agent.sessionFileSuffix()).toString();
            }
            if (!Files.isRegularFile(Path.of(sessionFile))) {
                // Pi would start an empty session in a missing file: that is not the conversation the task had.
                throw new SessionUnavailableException(agent.name() + " session file " + sessionFile + " is gone");
            }
        }
        SessionRecord record = found.orElse(new SessionRecord(
                agent.name(),
                id,
                spec.task().taskId(),
                spec.task().planFile(),
                context,
                Instant.now(),
                Instant.now(),
                List.of(),
                sessionFile,
                0,
                null));
        killLeftover(record);
        return track(new CliSession(agent, cli, environment, spec, context, records, record, true));
    }

    @Override
    public List<SessionInfo> list(SessionFilter filter) throws AgentException {
        // Every record is of a session planexec created, whatever form the CLI gave its id.
        SessionFilter ours = SessionIds.PREFIX.equals(filter.idPrefix())
                ? new SessionFilter(filter.cwd(), filter.gitRoot(), filter.repository(), filter.branch(), null)
                : filter;
        try {
            List<SessionInfo> sessions = new ArrayList<>();
            for (SessionRecord record : records.all()) {
                if (ours.matches(record.sessionId(), record.context())) {
                    sessions.add(record.info());
                }
            }
            sessions.sort(Comparator.comparing(SessionInfo::lastActivity).reversed());
            return sessions;
        } catch (IOException e) {
            throw new AgentException(
                    "cannot list " + agent.name() + " sessions in " + records.dir() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<SessionInfo> find(String sessionId) {
        if (agent.isPlaceholder(sessionId)) {
            return Optional.empty();
        }
        Optional<SessionRecord> record = records.find(sessionId);
        if (record.isPresent()
                && record.get().sessionFile() != null
                && !Files.isRegularFile(Path.of(record.get().sessionFile()))) {
            return Optional.empty();
        }
        return record.map(SessionRecord::info);
    }

    /**
     * Removes planexec's record and what the CLI stored for the session. Where the CLI's storage cannot be found or
     * removed, the record is still removed and the exception says what is left and how to remove it.
     */
    @Override
    public void delete(String sessionId) throws AgentException {
        if (agent.isPlaceholder(sessionId)) {
            return; // the CLI never had it
        }
        Optional<SessionRecord> record = records.find(sessionId);
        record.ifPresent(CliRuntime::killLeftover);
        List<String> ids =
                new ArrayList<>(record.map(SessionRecord::previousIds).orElse(List.of()));
        ids.add(sessionId);
        try {
            records.delete(sessionId);
        } catch (IOException e) {
            throw new AgentException(
                    "cannot remove the record of " + agent.name() + " session " + sessionId + ": " + e.getMessage(), e);
        }
        agent.deleteStored(record.orElse(null), ids, environment.env());
    }

    @Override
    public void close() {
        for (CliSession session : List.copyOf(open)) {
            session.abort();
            session.close();
        }
    }

    /** A CLI still running a turn of the session, left by a run killed with {@code kill -9}, is stopped first. */
    private static void killLeftover(SessionRecord record) {
        if (record.pid() > 0 && record.pidStarted() != null) {
            ProcessTrees.killLeftover(record.pid(), record.pidStarted());
        }
    }

    private CliSession track(CliSession session) {
        open.add(session);
        session.onClose(() -> open.remove(session));
        return session;
    }

    /** The CLI: {@code PLANEXEC_<AGENT>_CLI} if set, else one planexec installed, else the first on {@code PATH}. */
    Path executable() throws AgentException {
        return CliLookup.find(agent.name(), agent.executable(), agent.npm().orElse(null), environment)
                .map(CliLookup.Found::path)
                .orElseThrow(() -> new AgentException("the " + agent.name() + " agent needs the " + agent.executable()
                        + " command, which is not on PATH: " + agent.installHint() + ", or set "
                        + agent.cliVariable() + " to its path"));
    }
}
