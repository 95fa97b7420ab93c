package dev.planexec.agent.copilot;

import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentException;
import dev.planexec.agent.AgentRuntime;
import dev.planexec.agent.AgentSession;
import dev.planexec.agent.SessionFilter;
import dev.planexec.agent.SessionInfo;
import dev.planexec.agent.SessionSpec;
import dev.planexec.agent.SessionUnavailableException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Copilot on CLIs started elsewhere in server mode ({@code copilot --headless --port N}), one connection each.
 *
 * <p>A new session goes to the server with the most free capacity (the fewest sessions of this run on it, the order
 * given breaking ties), and stays there for its whole life: where it runs is written ahead in the task's {@code
 * sessionContext} in the plan ({@value #CONTEXT_KEY}), so a later run resumes it on the same server. A server that
 * cannot be reached fails only the sessions that must run on it; the others go to the servers that answer.
 */
final class CopilotServers implements AgentRuntime {
    /** The {@code sessionContext} entry naming a session's server. */
    static final String CONTEXT_KEY = "copilotServer";

    private final Map<String, CopilotRuntime> reachable;
    private final Map<String, String> unreachable;
    /** Where each session of this run was placed: session id to {@code HOST:PORT}. */
    private final Map<String, String> placed = new ConcurrentHashMap<>();
    /**
     * The server each task last tried to resume a session on: a task that starts fresh there, because its session
     * could not be resumed, stays on the server its plan names.
     */
    private final Map<String, String> resumedOn = new ConcurrentHashMap<>();
    /** Placed, not yet created or resumed: counted as load so tasks starting together spread out. */
    private final Set<String> pending = ConcurrentHashMap.newKeySet();

    private CopilotServers(Map<String, CopilotRuntime> reachable, Map<String, String> unreachable) {
        this.reachable = reachable;
        this.unreachable = unreachable;
    }

    /**
     * Connects to every server; fails only if none can be reached.
     *
     * @throws AgentException naming the servers and why each could not be reached
     */
    static CopilotServers open(AgentEnvironment environment, List<String> servers) throws AgentException {
        Map<String, CopilotRuntime> reachable = new LinkedHashMap<>();
        Map<String, String> unreachable = new LinkedHashMap<>();
        for (String address : servers) {
            try {
                reachable.put(address, CopilotRuntime.connect(environment, address));
            } catch (AgentException e) {
                unreachable.put(address, e.getMessage());
            }
        }
        if (reachable.isEmpty()) {
            throw new AgentException(String.join("; ", unreachable.values()));
        }
        return new CopilotServers(reachable, unreachable);
    }

    @Override
    public String name() {
        return CopilotAgentProvider.NAME;
    }

    @Override
    public synchronized Map<String, String> place(String sessionId, Map<String, String> recorded) {
        String address = recorded.get(CONTEXT_KEY);
        if (address == null) {
            address = leastLoaded();
            pending.add(sessionId);
        }
        placed.put(sessionId, address);
        return Map.of(CONTEXT_KEY, address);
    }

    private String leastLoaded() {
        return reachable.keySet().stream()
                .min(Comparator.comparingInt(this::load))
                .orElseThrow();
    }

    private int load(String address) {
        int waiting = (int)
                pending.stream().filter(id -> address.equals(placed.get(id))).count();
        return reachable.get(address).openSessions() + waiting;
    }

    @Override
    public AgentSession create(SessionSpec spec) throws AgentException {
        String id = spec.sessionId();
        String address;
        synchronized (this) {
            // A session nobody placed: a fresh start replacing one that could not be resumed, kept on its server.
            String previous = resumedOn.get(taskKey(spec));
            address = placed.computeIfAbsent(id, i -> previous != null ? previous : leastLoaded());
        }
        try {
            return server(id, address).create(spec);
        } finally {
            pending.remove(id);
        }
    }

    @Override
    public AgentSession resume(SessionSpec spec) throws AgentException {
        String id = spec.sessionId();
        String address = placed.get(id);
        if (address == null) {
            address = holding(id)
                    .orElseThrow(
                            () -> new SessionUnavailableException("no Copilot server of this run has session " + id));
        }
        resumedOn.put(taskKey(spec), address);
        try {
            return server(id, address).resume(spec);
        } finally {
            pending.remove(id);
        }
    }

    private static String taskKey(SessionSpec spec) {
        return spec.task().planFile() + "\n" + spec.task().taskId();
    }

    /** The runtime of {@code address}, or why the session cannot run there. */
    private CopilotRuntime server(String sessionId, String address) throws AgentException {
        CopilotRuntime runtime = reachable.get(address);
        if (runtime != null) {
            return runtime;
        }
        String why = unreachable.get(address);
        if (why != null) {
            throw new AgentException("session " + sessionId + " runs on the Copilot server at " + address
                    + ", which cannot be reached: " + why);
        }
        throw new AgentException("session " + sessionId + " runs on the Copilot server at " + address
                + ", which this run was not given: add --copilot-url " + address);
    }

    /** The reachable server that has the session, asking each. */
    private Optional<String> holding(String sessionId) throws AgentException {
        for (Map.Entry<String, CopilotRuntime> e : reachable.entrySet()) {
            if (e.getValue().find(sessionId).isPresent()) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    @Override
    public void checkReady() throws AgentException {
        for (CopilotRuntime runtime : reachable.values()) {
            runtime.checkReady();
        }
    }

    /** A server that could not be reached is named once, at the start of the run. */
    @Override
    public List<String> notices() {
        List<String> notices = new ArrayList<>(unreachable.values());
        reachable.values().forEach(r -> notices.addAll(r.notices()));
        return notices;
    }

    @Override
    public List<SessionInfo> list(SessionFilter filter) throws AgentException {
        Map<String, SessionInfo> all = new LinkedHashMap<>();
        for (CopilotRuntime runtime : reachable.values()) {
            runtime.list(filter).forEach(s -> all.putIfAbsent(s.id(), s));
        }
        List<SessionInfo> sessions = new ArrayList<>(all.values());
        sessions.sort(Comparator.comparing(
                SessionInfo::lastActivity,
                Comparator.nullsLast(
                        Comparator.<java.time.Instant>naturalOrder().reversed())));
        return sessions;
    }

    @Override
    public Optional<SessionInfo> find(String sessionId) throws AgentException {
        String address = placed.get(sessionId);
        if (address != null) {
            return server(sessionId, address).find(sessionId);
        }
        for (CopilotRuntime runtime : reachable.values()) {
            Optional<SessionInfo> found = runtime.find(sessionId);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    @Override
    public void delete(String sessionId) throws AgentException {
        Set<String> on = new LinkedHashSet<>();
        String address = placed.get(sessionId);
        if (address != null) {
            on.add(address);
        } else {
            for (Map.Entry<String, CopilotRuntime> e : reachable.entrySet()) {
                if (e.getValue().find(sessionId).isPresent()) {
                    on.add(e.getKey());
                }
            }
        }
        for (String a : on) {
            server(sessionId, a).delete(sessionId);
        }
    }

    @Override
    public void close() {
        reachable.values().forEach(CopilotRuntime::close);
    }
}
