package dev.planexec.agent.copilot;

import com.github.copilot.sdk.CopilotClient;
import com.github.copilot.sdk.CopilotSession;
import com.github.copilot.sdk.SystemMessageMode;
import com.github.copilot.sdk.json.CopilotClientOptions;
import com.github.copilot.sdk.json.GetAuthStatusResponse;
import com.github.copilot.sdk.json.PermissionHandler;
import com.github.copilot.sdk.json.ProviderConfig;
import com.github.copilot.sdk.json.ResumeSessionConfig;
import com.github.copilot.sdk.json.SessionConfig;
import com.github.copilot.sdk.json.SessionMetadata;
import com.github.copilot.sdk.json.SystemMessageConfig;
import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentException;
import dev.planexec.agent.AgentRuntime;
import dev.planexec.agent.AgentSession;
import dev.planexec.agent.GitContexts;
import dev.planexec.agent.SessionContext;
import dev.planexec.agent.SessionFilter;
import dev.planexec.agent.SessionIds;
import dev.planexec.agent.SessionInfo;
import dev.planexec.agent.SessionRecord;
import dev.planexec.agent.SessionRecords;
import dev.planexec.agent.SessionSpec;
import dev.planexec.agent.SessionUnavailableException;
import dev.planexec.store.LogFile;
import dev.planexec.store.SecureFiles;
import dev.planexec.store.StateDir;
import java.io.IOException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Copilot backend for one run: one Copilot CLI process, started when the run opens the backend and shared by
 * every session of the run, stopped with its whole process tree when the run ends.
 *
 * <p>Opening checks that the CLI is there, that its version works with the SDK, and that it starts; {@link
 * #checkReady} then checks what a run needs before anything runs: a model (signed in to GitHub, or the user's own
 * provider named with its model and answering). Each failure is a one-line {@link AgentException}. Listing and
 * deleting sessions need only the first part, so {@code sessions clean} works while the model server is down.
 */
final class CopilotRuntime implements AgentRuntime {
    static final String SYSTEM_MESSAGE = "You are run by planexec, which executes a plan of tasks with one Copilot "
            + "session per task. This session executes exactly one task of the plan: the prompt names it, with the "
            + "plan's other tasks for context; other sessions do those. Work without asking questions, since nobody "
            + "answers them: decide for yourself and keep going. Work in the session's working directory. When the "
            + "task's acceptance criteria are met, stop and reply with a short summary of what you did; if the task "
            + "cannot be done, reply saying why.";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    /** A record whose session the CLI does not list is dropped once it is older than this (not one being made). */
    private static final Duration STALE_RECORD = Duration.ofMinutes(10);

    private static final Pattern LOCK = Pattern.compile("inuse\\.(\\d+)\\.lock");

    private final CopilotSettings settings;
    private final CopilotLog log;
    private final CopilotClient client;
    private final ProcessHandle cli;
    /** {@code HOST:PORT} of the Copilot server this runtime reached, or {@code null} for a CLI it started itself. */
    private final String server;

    private final SessionRecords records;
    private final ProviderConfig provider;
    private final GitContexts git = new GitContexts();
    private final Set<CopilotAgentSession> open = ConcurrentHashMap.newKeySet();
    /** Sessions of this run that the plan says live on a Copilot server, which this CLI of planexec's is not. */
    private final Map<String, String> elsewhere = new ConcurrentHashMap<>();

    private final List<String> notices = new ArrayList<>();
    private volatile boolean closed;
    private boolean ready;

    private CopilotRuntime(
            CopilotSettings settings,
            CopilotLog log,
            CopilotClient client,
            ProcessHandle cli,
            String server,
            Path stateDir) {
        this.settings = settings;
        this.log = log;
        this.client = client;
        this.cli = cli;
        this.server = server;
        this.records = new SessionRecords(stateDir.resolve(CopilotAgentProvider.NAME));
        this.provider = settings.byok() == null ? null : settings.byok().toProvider();
    }

    /** Starts the CLI and checks it can serve sessions; see the class comment. */
    static CopilotRuntime open(AgentEnvironment environment) throws AgentException {
        CopilotLog log = CopilotLog.install(new LogFile(new StateDir(environment.stateDir()).logFile()));
        CopilotSettings settings = CopilotSettings.from(environment);
        Secrets.add(settings.secrets());
        CliVersion version = checkVersion(settings, log);
        PingCompatibility.install();
        CopilotRuntime runtime = start(settings, log, environment.stateDir());
        if (version != null && version.untested()) {
            runtime.notices.add(CliVersion.untestedNotice(version));
        }
        log.info("copilot: started " + settings + (version == null ? "" : ", CLI " + version) + ", pid "
                + (runtime.cli == null ? "unknown" : runtime.cli.pid()));
        return runtime;
    }

    /** Refuses a CLI older than the oldest supported; a newer one than the newest tested runs, with a notice. */
    private static CliVersion checkVersion(CopilotSettings settings, CopilotLog log) throws AgentException {
        String output = CliProcesses.versionOutput(settings);
        Optional<CliVersion> version = CliVersion.parse(output);
        if (version.isEmpty()) {
            log.info("copilot: cannot tell the version of " + settings.cli() + " from: " + Failures.oneLine(output)
                    + "; trying it");
            return null;
        }
        if (!version.get().supported()) {
            throw new AgentException(
                    CliVersion.tooOld(version.get(), settings.cli().toString()));
        }
        return version.get();
    }

    private static CopilotRuntime start(CopilotSettings settings, CopilotLog log, Path stateDir) throws AgentException {
        CliProcesses.Launch launch = CliProcesses.launch(settings);
        CopilotClient client = new CopilotClient(new CopilotClientOptions()
                .setCliPath(launch.cliPath())
                .setCliArgs(launch.cliArgs().toArray(String[]::new))
                .setEnvironment(settings.cliEnv())
                .setUseLoggedInUser(settings.byok() == null));
        CopilotLog.clearCliStderr();
        CliProcesses.Started started = CliProcesses.start(client::start, START_TIMEOUT);
        if (started.failure() != null) {
            log.error("copilot: the CLI " + settings.cli() + " did not start", started.failure());
            // Not waited for: after a failed start it completes only once the SDK's own wait has run out.
            client.forceStop();
            // The SDK leaves the CLI running after a failed start: planexec stops it itself.
            if (started.cli() != null) {
                CliProcesses.kill(started.cli(), CliProcesses.tree(started.cli()));
            }
            if (started.failure() instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new AgentException(Failures.startFailure(started.failure(), settings));
        }
        if (started.cli() == null) {
            log.info("copilot: the CLI process was not found among planexec's children; it is stopped through the "
                    + "SDK only");
        }
        return new CopilotRuntime(settings, log, client, started.cli(), null, stateDir);
    }

    /**
     * Connects to a Copilot CLI started elsewhere in server mode ({@code copilot --headless --port N}) at {@code
     * HOST:PORT}. Nothing is started or stopped here; the SDK's protocol check ({@code ping}) is the first call.
     */
    static CopilotRuntime connect(AgentEnvironment environment, String address) throws AgentException {
        CopilotLog log = CopilotLog.install(new LogFile(new StateDir(environment.stateDir()).logFile()));
        CopilotSettings settings = CopilotSettings.from(environment);
        Secrets.add(settings.secrets());
        PingCompatibility.install();
        CopilotClient client = new CopilotClient(new CopilotClientOptions().setCliUrl(address));
        try {
            client.start().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.error("copilot: cannot reach the Copilot server at " + address, e);
            client.forceStop();
            throw new AgentException(
                    Failures.isProtocolMismatch(e)
                            ? "the Copilot server at " + address
                                    + " speaks a protocol planexec's Copilot SDK cannot read; "
                                    + "planexec is tested with CLI " + CliVersion.range()
                            : "the Copilot server at " + address + " cannot be reached (" + Failures.message(e)
                                    + "): start it there with 'copilot --headless --port PORT', or fix --copilot-url");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.forceStop();
            throw new AgentException("interrupted while connecting to the Copilot server at " + address);
        }
        Optional<CliVersion> version = serverVersion(client, address, log);
        if (version.isPresent() && !version.get().supported()) {
            client.forceStop();
            throw new AgentException("the Copilot server at " + address + " runs CLI " + version.get()
                    + ", older than planexec supports (tested: " + CliVersion.range() + "): update the CLI there");
        }
        log.info("copilot: connected to the Copilot server at " + address + " (" + settings
                + version.map(v -> ", CLI " + v).orElse("") + ")");
        CopilotRuntime runtime = new CopilotRuntime(settings, log, client, null, address, environment.stateDir());
        if (version.isPresent() && version.get().untested()) {
            runtime.notices.add(CliVersion.untestedNotice(version.get()) + " (the Copilot server at " + address + ")");
        }
        return runtime;
    }

    /** What the server says its CLI version is; empty if it does not say. */
    private static Optional<CliVersion> serverVersion(CopilotClient client, String address, CopilotLog log) {
        try {
            String version = client.getStatus()
                    .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .getVersion();
            return version == null ? Optional.empty() : CliVersion.parse(version);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.info("copilot: the Copilot server at " + address + " did not say its version: " + Failures.message(e));
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** {@code HOST:PORT} of the server, or {@code null} for a CLI this runtime started. */
    String server() {
        return server;
    }

    /** Sessions open on this runtime now. */
    int openSessions() {
        return open.size();
    }

    /** A model named where one is needed, and signed in to GitHub or the user's own model server answers. */
    @Override
    public synchronized void checkReady() throws AgentException {
        if (ready) {
            return;
        }
        ensureUsable();
        settings.requireModel();
        checkModelAccess();
        ready = true;
    }

    private void checkModelAccess() throws AgentException {
        if (settings.byok() == null) {
            GetAuthStatusResponse auth = await(client.getAuthStatus(), CALL_TIMEOUT);
            if (!auth.isAuthenticated()) {
                String says = auth.getStatusMessage() == null ? "" : " (the CLI says: " + auth.getStatusMessage() + ")";
                throw new AgentException("not signed in to GitHub Copilot" + says + ": run 'copilot' once and sign "
                        + "in with /login, or set GH_TOKEN; or use your own model with COPILOT_PROVIDER_BASE_URL, "
                        + "COPILOT_PROVIDER_API_KEY and COPILOT_MODEL");
            }
            return;
        }
        checkReachable(settings.byok());
    }

    /**
     * Any HTTP answer from the provider's address will do (even 401 or 404); only a server that cannot be reached
     * fails. Behind a proxy the check is left to the CLI, which knows the proxy settings.
     */
    private void checkReachable(CopilotSettings.Byok byok) throws AgentException {
        if (behindProxy()) {
            log.info("copilot: a proxy is set; not checking that " + byok.displayBaseUrl() + " answers");
            return;
        }
        String url = byok.baseUrl().replaceAll("/+$", "") + "/models";
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
            connection.setConnectTimeout(5_000);
            connection.setReadTimeout(10_000);
            connection.setInstanceFollowRedirects(false);
            int status = connection.getResponseCode();
            log.info("copilot: model server " + byok.displayBaseUrl() + " answered HTTP " + status);
        } catch (ConnectException e) {
            throw unreachable(byok, "connection refused");
        } catch (UnknownHostException e) {
            throw unreachable(byok, "unknown host " + e.getMessage());
        } catch (SocketTimeoutException e) {
            throw unreachable(byok, "no answer within 10 s");
        } catch (IOException | IllegalArgumentException e) {
            throw unreachable(byok, Failures.oneLine(e.getMessage()));
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    private static AgentException unreachable(CopilotSettings.Byok byok, String why) {
        return new AgentException("the model server at " + byok.displayBaseUrl() + " is unreachable (" + why
                + "): start it, or fix COPILOT_PROVIDER_BASE_URL");
    }

    private boolean behindProxy() {
        for (Map.Entry<String, String> e : settings.env().entrySet()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if ((name.equals("https_proxy") || name.equals("http_proxy") || name.equals("all_proxy"))
                    && !e.getValue().isBlank()) {
                return true;
            }
        }
        return false;
    }

    /** How this backend reaches a model, for {@code planexec agents}: GitHub sign-in, or the user's own provider. */
    String access() {
        return settings.byok() == null
                ? "signed in to GitHub"
                : settings.byok() + ", model " + settings.model() + " (answering)";
    }

    @Override
    public List<String> notices() {
        return List.copyOf(notices);
    }

    // ---- the contract ----------------------------------------------------------------------------------------

    @Override
    public String name() {
        return CopilotAgentProvider.NAME;
    }

    @Override
    public AgentSession create(SessionSpec spec) throws AgentException {
        ensureUsable();
        String id = spec.sessionId();
        SessionContext context = git.of(spec.workingDirectory());
        record(spec, context);
        CopilotAgentSession session = new CopilotAgentSession(id, context, this);
        SessionConfig config = new SessionConfig()
                .setSessionId(id)
                .setClientName("planexec")
                .setStreaming(true)
                .setWorkingDirectory(spec.workingDirectory().toString())
                .setSystemMessage(systemMessage())
                .setOnPermissionRequest(PermissionHandler.APPROVE_ALL)
                .setOnEvent(session::onEvent);
        String model = model(spec);
        if (model != null) {
            config.setModel(model);
        }
        if (provider != null) {
            config.setProvider(provider);
        }
        CopilotSession sdk;
        try {
            sdk = await(client.createSession(config), SESSION_TIMEOUT);
        } catch (AgentException e) {
            forgetRecord(id);
            throw new AgentException("Copilot could not create session " + id + ": " + e.getMessage());
        }
        session.attach(sdk);
        open.add(session);
        if (!id.equals(sdk.getSessionId())) {
            session.close();
            forgetRecord(id);
            throw new AgentException("the Copilot CLI gave session " + id + " another id (" + sdk.getSessionId()
                    + "); use a tested Copilot CLI (" + CliVersion.range() + "): run '" + CliVersion.INSTALL + "'");
        }
        SessionContext reported = session.reportedContext(Duration.ofSeconds(2));
        if (!reported.equals(context)) {
            record(spec, reported);
        }
        return session;
    }

    /** Nothing to record for a CLI of planexec's own; a session the plan places on a server is noted, see resume. */
    @Override
    public Map<String, String> place(String sessionId, Map<String, String> recorded) {
        String server = recorded.get(CopilotServers.CONTEXT_KEY);
        if (server != null && this.server == null) {
            elsewhere.put(sessionId, server);
        }
        return Map.of();
    }

    @Override
    public AgentSession resume(SessionSpec spec) throws AgentException {
        ensureUsable();
        String id = spec.sessionId();
        String recordedServer = elsewhere.get(id);
        if (recordedServer != null) {
            throw new AgentException("session " + id + " lives on the Copilot server at " + recordedServer
                    + ": run with --copilot-url " + recordedServer + " to resume it");
        }
        SessionMetadata metadata = await(client.getSessionMetadata(id), CALL_TIMEOUT);
        if (metadata == null) {
            throw new SessionUnavailableException("Copilot has no session " + id + " any more");
        }
        if (server == null) {
            removeStaleLocks(id);
        }
        Optional<SessionRecord> recorded = records.find(id);
        SessionContext context = recorded.map(SessionRecord::context).orElseGet(() -> git.of(spec.workingDirectory()));
        CopilotAgentSession session = new CopilotAgentSession(id, context, this);
        ResumeSessionConfig config = new ResumeSessionConfig()
                .setClientName("planexec")
                .setStreaming(true)
                .setWorkingDirectory(spec.workingDirectory().toString())
                .setSystemMessage(systemMessage())
                .setOnPermissionRequest(PermissionHandler.APPROVE_ALL)
                .setOnEvent(session::onEvent);
        String model = model(spec);
        if (model != null) {
            config.setModel(model);
        }
        // Keys are never stored with a session: the provider is given again on every resume.
        if (provider != null) {
            config.setProvider(provider);
        }
        CopilotSession sdk;
        try {
            sdk = await(client.resumeSession(id, config), SESSION_TIMEOUT);
        } catch (AgentException e) {
            ensureUsable();
            throw new SessionUnavailableException("Copilot could not resume session " + id + ": " + e.getMessage());
        }
        if (server != null) {
            // A server outlives the planexec that used it: after a kill -9 it may still be running the session's
            // last turn, and the next prompt would wait behind it.
            abortLeftoverTurn(sdk, id);
        }
        session.attach(sdk);
        open.add(session);
        if (recorded.isEmpty()) {
            record(spec, session.reportedContext(Duration.ofSeconds(2)));
        }
        return session;
    }

    /**
     * planexec's own filter over the CLI's list: the CLI (1.0.50) lists sessions without their context, so its list
     * filters match nothing; the context comes from planexec's records.
     */
    private void abortLeftoverTurn(CopilotSession sdk, String id) {
        try {
            await(sdk.abort(), CALL_TIMEOUT);
            log.info("copilot: aborted whatever turn session " + id + " had running on " + server);
        } catch (AgentException e) {
            log.info("copilot: could not abort a leftover turn of session " + id + " on " + server + ": "
                    + e.getMessage());
        }
    }

    @Override
    public List<SessionInfo> list(SessionFilter filter) throws AgentException {
        ensureUsable();
        List<SessionMetadata> listed = await(client.listSessions(), CALL_TIMEOUT);
        Map<String, SessionRecord> recorded = new java.util.HashMap<>();
        try {
            records.all().forEach(r -> recorded.put(r.sessionId(), r));
        } catch (IOException e) {
            log.info("copilot: cannot read session records: " + e.getMessage()); // listed without them
        }
        List<SessionInfo> sessions = new ArrayList<>();
        for (SessionMetadata metadata : listed) {
            if (metadata.getSessionId() == null) {
                continue;
            }
            SessionInfo info = info(metadata, recorded.remove(metadata.getSessionId()));
            if (filter.matches(info.id(), info.context())) {
                sessions.add(info);
            }
        }
        Instant stale = Instant.now().minus(STALE_RECORD);
        for (SessionRecord gone : recorded.values()) {
            if (gone.createdAt() != null && gone.createdAt().isBefore(stale) && !isOpen(gone.sessionId())) {
                forgetRecord(gone.sessionId());
            }
        }
        sessions.sort(Comparator.comparing(
                SessionInfo::lastActivity,
                Comparator.nullsLast(Comparator.<Instant>naturalOrder().reversed())));
        return sessions;
    }

    @Override
    public Optional<SessionInfo> find(String sessionId) throws AgentException {
        ensureUsable();
        SessionMetadata metadata = await(client.getSessionMetadata(sessionId), CALL_TIMEOUT);
        if (metadata == null) {
            return Optional.empty();
        }
        return Optional.of(info(metadata, records.find(sessionId).orElse(null)));
    }

    /** {@code session.delete}, then whatever the CLI left of the session on disk, then planexec's record. */
    @Override
    public void delete(String sessionId) throws AgentException {
        ensureUsable();
        try {
            await(client.deleteSession(sessionId), CALL_TIMEOUT);
        } catch (AgentException e) {
            if (!e.getMessage().toLowerCase(Locale.ROOT).contains("not found")) {
                throw new AgentException("Copilot could not delete session " + sessionId + ": " + e.getMessage());
            }
        }
        Path folder = server == null ? sessionFolder(sessionId) : null; // a server's folders are on its machine
        if (folder != null && Files.exists(folder)) {
            try {
                SecureFiles.deleteTree(folder);
            } catch (IOException e) {
                throw new AgentException("cannot remove " + folder + ": " + e.getMessage());
            }
        }
        forgetRecord(sessionId);
    }

    /** Lets go of every session (aborting a turn still running), then stops the CLI and all it started. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (CopilotAgentSession session : List.copyOf(open)) {
            session.abort();
            session.close();
        }
        List<ProcessHandle> tree = cli == null ? List.of() : CliProcesses.tree(cli);
        try {
            client.stop().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.info("copilot: the CLI did not stop cleanly (" + Failures.message(e) + "); killing it");
            client.forceStop();
        }
        if (cli != null) {
            CliProcesses.kill(cli, tree);
        }
        log.info(
                server != null
                        ? "copilot: disconnected from the Copilot server at " + server
                        : "copilot: stopped the CLI" + (cli == null ? "" : " (pid " + cli.pid() + ")"));
        log.release();
    }

    // ---- for the sessions --------------------------------------------------------------------------------------

    CopilotSettings settings() {
        return settings;
    }

    CopilotLog log() {
        return log;
    }

    boolean cliAlive() {
        return cli == null ? !closed : cli.isAlive();
    }

    String cliGone() {
        if (server != null) {
            return "the connection to the Copilot server at " + server + " was lost";
        }
        return "the Copilot CLI" + (cli == null ? "" : " (pid " + cli.pid() + ")") + " stopped unexpectedly; its "
                + "logs are in " + settings.copilotHome().resolve("logs");
    }

    void closed(CopilotAgentSession session) {
        open.remove(session);
    }

    /** Waits for a call to the CLI; a failure becomes a one-line {@link AgentException}, its trace goes to the log. */
    <T> T await(CompletableFuture<T> call, Duration timeout) throws AgentException {
        try {
            return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            log.error("copilot: a call to the CLI failed", e);
            throw new AgentException(Failures.message(e));
        } catch (TimeoutException e) {
            call.cancel(false);
            throw new AgentException(
                    cliAlive() ? "no answer from the Copilot CLI within " + timeout.toSeconds() + " s" : cliGone());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException("interrupted while waiting for the Copilot CLI");
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private void ensureUsable() throws AgentException {
        if (closed) {
            throw new AgentException("the Copilot backend of this run is closed");
        }
        if (!cliAlive()) {
            throw new AgentException(cliGone());
        }
    }

    private String model(SessionSpec spec) {
        return spec.model() != null ? spec.model() : settings.model();
    }

    private static SystemMessageConfig systemMessage() {
        return new SystemMessageConfig().setMode(SystemMessageMode.APPEND).setContent(SYSTEM_MESSAGE);
    }

    private void record(SessionSpec spec, SessionContext context) throws AgentException {
        try {
            Instant now = Instant.now();
            records.save(new SessionRecord(
                    CopilotAgentProvider.NAME,
                    spec.sessionId(),
                    spec.task().taskId(),
                    spec.task().planFile(),
                    context,
                    now,
                    now,
                    List.of(),
                    null,
                    0,
                    null));
        } catch (IOException e) {
            throw new AgentException("cannot record Copilot session " + spec.sessionId() + ": " + e.getMessage());
        }
    }

    private void forgetRecord(String sessionId) {
        try {
            records.delete(sessionId);
        } catch (IOException e) {
            log.info("copilot: cannot remove the record of session " + sessionId + ": " + e.getMessage());
        }
    }

    private boolean isOpen(String sessionId) {
        return open.stream().anyMatch(s -> s.id().equals(sessionId));
    }

    private SessionInfo info(SessionMetadata metadata, SessionRecord record) {
        SessionContext context = record != null ? record.context() : contextOf(metadata.getContext());
        return new SessionInfo(
                metadata.getSessionId(),
                CopilotAgentProvider.NAME,
                context,
                instant(metadata.getStartTime()),
                instant(metadata.getModifiedTime()),
                record == null ? null : record.taskId(),
                record == null ? null : record.planFile(),
                metadata.getSummary());
    }

    private static SessionContext contextOf(com.github.copilot.sdk.json.SessionContext c) {
        if (c == null) {
            return new SessionContext(null, null, null, null);
        }
        return new SessionContext(c.getCwd(), c.getGitRoot(), c.getRepository(), c.getBranch());
    }

    private static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The CLI's folder of a session, or {@code null} for an id that is not plainly a safe folder name. */
    private Path sessionFolder(String sessionId) {
        if (!SessionIds.fileName(sessionId).equals(sessionId)) {
            return null;
        }
        Path base = settings.sessionStateDir().normalize();
        Path folder = base.resolve(sessionId).normalize();
        return base.equals(folder.getParent()) ? folder : null;
    }

    /**
     * Removes {@code inuse.<pid>.lock} files of processes that are gone (a CLI killed with its run), which would
     * otherwise make the session look in use. A lock of a live Copilot process is left for the CLI to judge.
     */
    private void removeStaleLocks(String sessionId) {
        Path folder = sessionFolder(sessionId);
        if (folder == null || !Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Matcher m = LOCK.matcher(file.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                long pid = Long.parseLong(m.group(1));
                if (!liveCopilot(pid)) {
                    Files.deleteIfExists(file);
                    log.info("copilot: removed the stale lock " + file + " of process " + pid + ", which is gone");
                }
            }
        } catch (IOException | NumberFormatException e) {
            log.info("copilot: cannot check the locks of session " + sessionId + ": " + e.getMessage());
        }
    }

    private static boolean liveCopilot(long pid) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        // A reused process id: alive, but not a Copilot CLI. Unknown command lines count as Copilot, to be safe.
        return handle.get()
                .info()
                .commandLine()
                .map(line -> line.toLowerCase(Locale.ROOT).contains("copilot"))
                .orElse(true);
    }
}
