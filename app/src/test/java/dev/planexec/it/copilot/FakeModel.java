package dev.planexec.it.copilot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenAI-compatible model server on 127.0.0.1 for the real Copilot CLI to talk to, answering
 * {@code POST /v1/chat/completions} with server-sent events as the CLI expects, and recording every request.
 *
 * <p>What it answers is steered by words in the newest user message (a task's description becomes part of its first
 * prompt):
 *
 * <ul>
 *   <li>{@code FAKE_BASH: <command>} (to the end of the line): a {@code bash} tool call running the command; once
 *       the tool's result comes back, a text answer;
 *   <li>{@code FAKE_RESOLVE: <command>} in a task's prompt: when planexec later asks the session to resolve a merge
 *       conflict, a {@code bash} tool call running the command;
 *   <li>{@code FAKE_HOLD}: the first time, one piece of text and then nothing until {@link #close} or the client goes
 *       away (a model still thinking); later times, a normal answer;
 *   <li>{@code FAKE_FAIL500_ONCE}: HTTP 500 (as below) to the task's first request, a normal answer after;
 *   <li>{@code FAKE_SILENT}: the response starts and then stays silent, every time;
 *   <li>{@code FAKE_FAIL500}: HTTP 500 (with {@code x-should-retry: false}, so the CLI reports it at once instead of
 *       retrying for half a minute);
 *   <li>anything else: a text answer, {@code Finished task <id>: all acceptance criteria are met.}, streamed in
 *       several pieces; after a continuation prompt it starts with {@code Resumed.}.
 * </ul>
 *
 * <pre>{@code
 * try (FakeModel model = FakeModel.start()) {
 *     env.put("COPILOT_PROVIDER_BASE_URL", model.baseUrl());
 *     ...
 *     FakeModel.Request last = model.awaitChat(r -> r.lastUserText().contains("interrupted"), Duration.ofSeconds(30));
 * }
 * }</pre>
 */
final class FakeModel implements AutoCloseable {
    static final String MODEL = "fake-model";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BASH = Pattern.compile("FAKE_BASH:\\s*(.+)");
    private static final Pattern RESOLVE = Pattern.compile("FAKE_RESOLVE:\\s*(.+)");
    private static final Pattern FIRST_TASK = Pattern.compile("\\nTask (\\S+): ");
    private static final Pattern CONTINUED_TASK = Pattern.compile("worked on task (\\S+) \\(");

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger holding = new AtomicInteger();
    private final AtomicInteger holdsDropped = new AtomicInteger();
    private final AtomicInteger counter = new AtomicInteger();

    /** One request as the server received it. */
    record Request(String method, String path, String authorization, JsonNode body) {

        boolean isChat() {
            return path.endsWith("/chat/completions");
        }

        List<JsonNode> messages() {
            List<JsonNode> list = new ArrayList<>();
            body.path("messages").forEach(list::add);
            return list;
        }

        String lastRole() {
            List<JsonNode> m = messages();
            return m.isEmpty() ? "" : m.get(m.size() - 1).path("role").asText();
        }

        /** The text of the newest user message ({@code ""} if none). */
        String lastUserText() {
            List<JsonNode> m = messages();
            for (int i = m.size() - 1; i >= 0; i--) {
                if (m.get(i).path("role").asText().equals("user")) {
                    return text(m.get(i));
                }
            }
            return "";
        }

        /** Texts of every user message, oldest first. */
        List<String> userTexts() {
            return messages().stream()
                    .filter(m -> m.path("role").asText().equals("user"))
                    .map(FakeModel::text)
                    .toList();
        }

        /** Whether any message of the conversation has {@code text} in it. */
        boolean mentions(String text) {
            return body.path("messages").toString().contains(text);
        }
    }

    private FakeModel(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    static FakeModel start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            ExecutorService executor = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "fake-model");
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(executor);
            FakeModel model = new FakeModel(server, executor);
            server.createContext("/", model::handle);
            server.start();
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** For {@code COPILOT_PROVIDER_BASE_URL}. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    List<Request> chats() {
        return requests.stream().filter(Request::isChat).toList();
    }

    /** The first chat request matching {@code test}, waiting for it up to {@code timeout}. */
    Request awaitChat(Predicate<Request> test, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Request> match = chats().stream().filter(test).findFirst();
            if (match.isPresent()) {
                return match.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the fake model got no such request within " + timeout.toSeconds()
                        + " s; it got " + chats().size() + " chat requests: "
                        + chats().stream()
                                .map(Request::lastUserText)
                                .map(FakeModel::abbreviate)
                                .toList());
            }
            sleep(50);
        }
    }

    /** Waits until a response is being held back (a {@code FAKE_HOLD} or {@code FAKE_SILENT}). */
    void awaitHolding(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (holding.get() == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the fake model held no answer within " + timeout.toSeconds() + " s; it got "
                        + chats().size() + " chat requests");
            }
            sleep(50);
        }
    }

    /** How many held responses ended because the client went away (the CLI aborted, or died). */
    int holdsDropped() {
        return holdsDropped.get();
    }

    /** Responses held back now. */
    int holding() {
        return holding.get();
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- answering ---------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) {
        try (exchange) {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            JsonNode body = raw.length == 0 ? JSON.createObjectNode() : JSON.readTree(raw);
            String path = exchange.getRequestURI().getPath();
            Request request = new Request(
                    exchange.getRequestMethod(),
                    path,
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    body);
            requests.add(request);
            if (path.endsWith("/models")) {
                send(
                        exchange,
                        200,
                        "application/json",
                        "{\"object\":\"list\",\"data\":[{\"id\":\"" + MODEL
                                + "\",\"object\":\"model\",\"created\":0,\"owned_by\":\"test\"}]}");
                return;
            }
            if (!request.isChat()) {
                send(exchange, 404, "application/json", "{\"error\":{\"message\":\"no such endpoint\"}}");
                return;
            }
            answer(exchange, request);
        } catch (IOException e) {
            // The client went away mid-answer.
        }
    }

    private void answer(HttpExchange exchange, Request request) throws IOException {
        String id = "chatcmpl-" + counter.incrementAndGet();
        String userText = request.lastUserText();
        String task = taskOf(request);
        if (request.lastRole().equals("tool")) {
            stream(
                    exchange,
                    id,
                    List.of(text(id, "Ran the command for task " + task, true), text(id, "; done.", false)));
            return;
        }
        if (request.mentions("FAKE_FAIL500_ONCE")) {
            if (seen("fail-once:" + task) == 1) {
                exchange.getResponseHeaders().set("x-should-retry", "false");
                send(
                        exchange,
                        500,
                        "application/json",
                        "{\"error\":{\"message\":\"the fake model broke once\",\"type\":\"server_error\"}}");
                return;
            }
        } else if (userText.contains("FAKE_FAIL500")) {
            exchange.getResponseHeaders().set("x-should-retry", "false");
            send(
                    exchange,
                    500,
                    "application/json",
                    "{\"error\":{\"message\":\"the fake model broke\",\"type\":\"server_error\"}}");
            return;
        }
        if (userText.contains("FAKE_SILENT")) {
            hold(exchange, List.of());
            return;
        }
        if (userText.contains("FAKE_HOLD") && seen("hold:" + task) == 1) {
            hold(exchange, List.of(text(id, "Working on " + task + "...", true)));
            return;
        }
        if (userText.contains("could not be merged into")) {
            Matcher resolve = RESOLVE.matcher(String.join("\n", request.userTexts()));
            if (resolve.find()) {
                stream(
                        exchange,
                        id,
                        List.of(toolCall(id, "call_" + id, resolve.group(1).strip()), finish(id, "tool_calls")));
                return;
            }
        }
        Matcher bash = BASH.matcher(userText);
        if (bash.find()) {
            stream(
                    exchange,
                    id,
                    List.of(toolCall(id, "call_" + id, bash.group(1).strip()), finish(id, "tool_calls")));
            return;
        }
        String opening = userText.contains("was interrupted") ? "Resumed. " : "";
        stream(
                exchange,
                id,
                List.of(
                        text(id, opening + "Finished task ", true),
                        text(id, task + ": all acceptance ", false),
                        text(id, "criteria are met.", false)));
    }

    private int seen(String key) {
        return seen.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    /** Starts a response and keeps it open; a keep-alive comment every 300 ms tells when the client went away. */
    private void hold(HttpExchange exchange, List<String> chunks) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        for (String chunk : chunks) {
            out.write(("data: " + chunk + "\n\n").getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
        holding.incrementAndGet();
        try {
            while (!release.await(300, TimeUnit.MILLISECONDS)) {
                out.write(": still thinking\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            holdsDropped.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            holding.decrementAndGet();
        }
    }

    private void stream(HttpExchange exchange, String id, List<String> chunks) throws IOException {
        StringBuilder sse = new StringBuilder();
        List<String> all = new ArrayList<>(chunks);
        if (all.stream().noneMatch(c -> c.contains("\"finish_reason\":\"tool_calls\""))) {
            all.add(finish(id, "stop"));
        }
        all.add("{\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\""
                + MODEL + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,"
                + "\"total_tokens\":15}}");
        for (String chunk : all) {
            sse.append("data: ").append(chunk).append("\n\n");
        }
        sse.append("data: [DONE]\n\n");
        send(exchange, 200, "text/event-stream", sse.toString());
    }

    private static String text(String id, String content, boolean first) {
        ObjectNode delta = JSON.createObjectNode();
        if (first) {
            delta.put("role", "assistant");
        }
        delta.put("content", content);
        return chunk(id, delta, null);
    }

    private static String toolCall(String id, String callId, String command) {
        ObjectNode delta = JSON.createObjectNode();
        delta.put("role", "assistant");
        delta.putNull("content");
        ObjectNode call = delta.putArray("tool_calls").addObject();
        call.put("index", 0);
        call.put("id", callId);
        call.put("type", "function");
        ObjectNode function = call.putObject("function");
        function.put("name", "bash");
        ObjectNode arguments = JSON.createObjectNode();
        arguments.put("command", command);
        arguments.put("description", "run the task's command");
        function.put("arguments", arguments.toString());
        return chunk(id, delta, null);
    }

    private static String finish(String id, String reason) {
        return chunk(id, JSON.createObjectNode(), reason);
    }

    private static String chunk(String id, ObjectNode delta, String finishReason) {
        ObjectNode chunk = JSON.createObjectNode();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", 1700000000);
        chunk.put("model", MODEL);
        ArrayNode choices = chunk.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return chunk.toString();
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** The task a request is about, from planexec's first or continuation prompt anywhere in the conversation. */
    private static String taskOf(Request request) {
        List<String> users = request.userTexts();
        for (int i = users.size() - 1; i >= 0; i--) {
            Matcher first = FIRST_TASK.matcher(users.get(i));
            if (first.find()) {
                return first.group(1);
            }
            Matcher continued = CONTINUED_TASK.matcher(users.get(i));
            if (continued.find()) {
                return continued.group(1);
            }
        }
        return "?";
    }

    private static String text(JsonNode message) {
        JsonNode content = message.path("content");
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder parts = new StringBuilder();
        content.forEach(part -> parts.append(part.path("text").asText()));
        return parts.toString();
    }

    private static String abbreviate(String text) {
        String flat = text.replace('\n', ' ');
        return flat.length() > 120 ? flat.substring(0, 120) + "..." : flat;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
