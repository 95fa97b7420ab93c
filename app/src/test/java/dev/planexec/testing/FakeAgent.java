package dev.planexec.testing;

import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentEventListener;
import dev.planexec.agent.AgentException;
import dev.planexec.agent.AgentProvider;
import dev.planexec.agent.AgentRuntime;
import dev.planexec.agent.AgentSession;
import dev.planexec.agent.SessionContext;
import dev.planexec.agent.SessionFilter;
import dev.planexec.agent.SessionInfo;
import dev.planexec.agent.SessionSpec;
import dev.planexec.agent.SessionUnavailableException;
import dev.planexec.agent.TurnResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An agent backend held in memory, for scheduler tests that need no process, no {@code sh} and no sleep: each turn
 * is answered by the task's {@link Script} (by default, completed with {@code "done <task>"}), and every turn is
 * recorded with its prompt and session. Its provider and its runtime are the same object, named {@code fake}.
 */
public final class FakeAgent implements AgentProvider, AgentRuntime {
    public static final String NAME = "fake";

    /** Answers one turn; may send events, block on a latch, or throw as a broken backend would. */
    @FunctionalInterface
    public interface Script {
        TurnResult turn(Turn turn, AgentEventListener events) throws AgentException;
    }

    /**
     * One turn as the fake saw it.
     *
     * @param number the turn's number among this task's turns, from 1
     * @param resumed whether its session was resumed rather than created
     */
    public record Turn(String taskId, String sessionId, String prompt, boolean resumed, int number) {}

    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final Set<String> sessions = ConcurrentHashMap.newKeySet();
    private final List<Turn> turns = new ArrayList<>();

    /** Answers {@code taskId}'s turns with {@code script}. */
    public FakeAgent on(String taskId, Script script) {
        scripts.put(taskId, script);
        return this;
    }

    public synchronized List<Turn> turns() {
        return List.copyOf(turns);
    }

    public List<Turn> turnsOf(String taskId) {
        return turns().stream().filter(t -> t.taskId().equals(taskId)).toList();
    }

    private synchronized Turn record(String taskId, String sessionId, String prompt, boolean resumed) {
        int n = (int) turns.stream().filter(t -> t.taskId().equals(taskId)).count() + 1;
        Turn turn = new Turn(taskId, sessionId, prompt, resumed, n);
        turns.add(turn);
        return turn;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AgentRuntime open(AgentEnvironment environment) {
        return this;
    }

    @Override
    public AgentSession create(SessionSpec spec) {
        sessions.add(spec.sessionId());
        return new Session(spec, false);
    }

    @Override
    public AgentSession resume(SessionSpec spec) throws AgentException {
        if (!sessions.contains(spec.sessionId())) {
            throw new SessionUnavailableException("the fake agent has no session " + spec.sessionId());
        }
        return new Session(spec, true);
    }

    @Override
    public List<SessionInfo> list(SessionFilter filter) {
        return List.of();
    }

    @Override
    public Optional<SessionInfo> find(String sessionId) {
        return Optional.empty();
    }

    @Override
    public void delete(String sessionId) {
        sessions.remove(sessionId);
    }

    @Override
    public void close() {}

    private final class Session implements AgentSession {
        private final SessionSpec spec;
        private final boolean resumed;

        Session(SessionSpec spec, boolean resumed) {
            this.spec = spec;
            this.resumed = resumed;
        }

        @Override
        public String id() {
            return spec.sessionId();
        }

        @Override
        public SessionContext context() {
            return new SessionContext(spec.workingDirectory().toString(), null, null, null);
        }

        @Override
        public TurnResult send(String prompt, AgentEventListener listener) throws AgentException {
            String taskId = spec.task().taskId();
            Turn turn = record(taskId, spec.sessionId(), prompt, resumed);
            Script script = scripts.getOrDefault(taskId, (t, e) -> new TurnResult.Completed("done " + t.taskId()));
            return script.turn(turn, listener);
        }

        @Override
        public void abort() {}

        @Override
        public void close() {}
    }
}
