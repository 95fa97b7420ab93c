package dev.planexec.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A model server on 127.0.0.1 for the real Claude Code and Pi CLIs: the Anthropic Messages API
 * ({@code POST /v1/messages}, streamed as server-sent events when asked) and OpenAI chat completions
 * ({@code POST /v1/chat/completions}). It records every request. The first streamed request whose conversation holds
 * a task's first prompt gets one piece of text and then nothing until the server closes (a model still thinking:
 * the run is killed then); every other request gets a short answer. For chat completions the task's first request
 * is first answered with a {@code bash} tool call, and the request carrying its result is the one held: Pi writes
 * its session file only once the model has answered, so only then is there a conversation to resume.
 *
 * <p>For the real Codex and Gemini CLIs it also speaks the OpenAI Responses API ({@code POST /v1/responses}, streamed
 * as {@code response.*} events) and the Gemini API ({@code POST /v1beta/models/M:streamGenerateContent?alt=sse}, and
 * {@code :generateContent} unstreamed), held and answered the same way (both CLIs record the prompt in their session
 * before the model answers, so the held request is the first one).
 */
final class CliFakeModel implements AutoCloseable {
    static final String HELD_TEXT = "Looking at the task";
    static final String ANSWER = "Resumed and finished the task.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-model");
        t.setDaemon(true);
        return t;
    });
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final AtomicBoolean held = new AtomicBoolean();
    private final CountDownLatch release = new CountDownLatch(1);

    private CliFakeModel(HttpServer server) {
        this.server = server;
    }

    static CliFakeModel start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            CliFakeModel model = new CliFakeModel(server);
            server.createContext("/", model::handle);
            server.setExecutor(model.executor);
            server.start();
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The bodies of the conversation requests so far (Messages API, chat completions, Responses API or Gemini). */
    List<JsonNode> requests() {
        return List.copyOf(requests);
    }

    boolean holding() {
        return held.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            byte[] raw = exchange.getRequestBody().readAllBytes();
            boolean responses = path.endsWith("/responses");
            boolean gemini = path.contains(":generateContent") || path.contains(":streamGenerateContent");
            if (!"POST".equals(exchange.getRequestMethod())
                    || !(path.endsWith("/messages") || path.endsWith("/chat/completions") || responses || gemini)) {
                reply(exchange, 404, "{\"error\":{\"type\":\"not_found_error\",\"message\":\"no such thing here\"}}");
                return;
            }
            JsonNode body = JSON.readTree(raw);
            requests.add(body);
            boolean anthropic = path.endsWith("/messages");
            boolean stream = gemini
                    ? path.contains(":streamGenerateContent")
                    : body.path("stream").asBoolean(false);
            boolean firstPrompt = body.toString().contains("Task build: ");
            if (responses || gemini) {
                boolean hold = stream && firstPrompt && held.compareAndSet(false, true);
                String text = hold ? HELD_TEXT : ANSWER;
                if (!stream) {
                    reply(exchange, 200, responses ? response(text, "completed") : geminiChunk(text, true));
                    return;
                }
                exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
                exchange.sendResponseHeaders(200, 0);
                if (responses) {
                    streamResponses(exchange.getResponseBody(), text, hold);
                } else {
                    streamGemini(exchange.getResponseBody(), text, hold);
                }
                return;
            }
            if (!anthropic
                    && stream
                    && firstPrompt
                    && !held.get()
                    && !body.toString().contains("\"role\":\"tool\"")) {
                exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
                exchange.sendResponseHeaders(200, 0);
                streamToolCall(exchange.getResponseBody());
                return;
            }
            boolean hold = stream && firstPrompt && held.compareAndSet(false, true);
            String text = hold ? HELD_TEXT : ANSWER;
            if (!stream) {
                reply(exchange, 200, anthropic ? anthropicMessage(text) : chatCompletion(text));
                return;
            }
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            if (anthropic) {
                streamAnthropic(out, text, hold);
            } else {
                streamChat(out, text, hold);
            }
        } catch (IOException e) {
            // the client went away (killed): nothing to answer
        }
    }

    private void streamAnthropic(OutputStream out, String text, boolean hold) throws IOException {
        event(
                out,
                "message_start",
                "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_fake\",\"type\":\"message\","
                        + "\"role\":\"assistant\",\"model\":\"fake-model\",\"content\":[],\"stop_reason\":null,"
                        + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}");
        event(
                out,
                "content_block_start",
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
        event(
                out,
                "content_block_delta",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":" + "\"text_delta\",\"text\":"
                        + JSON.writeValueAsString(text) + "}}");
        if (hold) {
            awaitRelease();
            return;
        }
        event(out, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
        event(
                out,
                "message_delta",
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                        + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":7}}");
        event(out, "message_stop", "{\"type\":\"message_stop\"}");
    }

    private void streamChat(OutputStream out, String text, boolean hold) throws IOException {
        String head =
                "{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"fake-model\","
                        + "\"choices\":[{\"index\":0,";
        data(
                out,
                head + "\"delta\":{\"role\":\"assistant\",\"content\":" + JSON.writeValueAsString(text)
                        + "},\"finish_reason\":null}]}");
        if (hold) {
            awaitRelease();
            return;
        }
        data(
                out,
                head + "\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":10,"
                        + "\"completion_tokens\":7,\"total_tokens\":17}}");
        data(out, "[DONE]");
    }

    /** The Responses API's stream, as Codex reads it: created, the message item, its text, done, completed. */
    private void streamResponses(OutputStream out, String text, boolean hold) throws IOException {
        event(
                out,
                "response.created",
                "{\"type\":\"response.created\",\"sequence_number\":0,\"response\":" + response("", "in_progress")
                        + "}");
        event(
                out,
                "response.output_item.added",
                "{\"type\":\"response.output_item.added\",\"sequence_number\":1,\"output_index\":0,\"item\":"
                        + "{\"type\":\"message\",\"id\":\"msg_fake\",\"role\":\"assistant\",\"status\":"
                        + "\"in_progress\",\"content\":[]}}");
        event(
                out,
                "response.output_text.delta",
                "{\"type\":\"response.output_text.delta\",\"sequence_number\":2,\"item_id\":\"msg_fake\","
                        + "\"output_index\":0,\"content_index\":0,\"delta\":" + JSON.writeValueAsString(text) + "}");
        if (hold) {
            awaitRelease();
            return;
        }
        event(
                out,
                "response.output_item.done",
                "{\"type\":\"response.output_item.done\",\"sequence_number\":3,\"output_index\":0,\"item\":"
                        + JSON.writeValueAsString(responseMessage(text)) + "}");
        event(
                out,
                "response.completed",
                "{\"type\":\"response.completed\",\"sequence_number\":4,\"response\":" + response(text, "completed")
                        + "}");
    }

    private static ObjectNode responseMessage(String text) {
        ObjectNode item = JSON.createObjectNode();
        item.put("type", "message")
                .put("id", "msg_fake")
                .put("role", "assistant")
                .put("status", "completed");
        item.putArray("content")
                .addObject()
                .put("type", "output_text")
                .put("text", text)
                .putArray("annotations");
        return item;
    }

    /** A Responses API response object: empty output unless completed. */
    private static String response(String text, String status) throws IOException {
        ObjectNode response = JSON.createObjectNode();
        response.put("id", "resp_fake")
                .put("object", "response")
                .put("created_at", 1)
                .put("status", status)
                .put("model", "fake-model");
        var output = response.putArray("output");
        if ("completed".equals(status)) {
            output.add(responseMessage(text));
            ObjectNode usage = response.putObject("usage");
            usage.put("input_tokens", 10).putObject("input_tokens_details").put("cached_tokens", 0);
            usage.put("output_tokens", 7).putObject("output_tokens_details").put("reasoning_tokens", 0);
            usage.put("total_tokens", 17);
        }
        return JSON.writeValueAsString(response);
    }

    /** Gemini's {@code alt=sse} stream: one chunk of text that finishes the answer, or (held) does not. */
    private void streamGemini(OutputStream out, String text, boolean hold) throws IOException {
        data(out, geminiChunk(text, !hold));
        if (hold) {
            awaitRelease();
        }
    }

    private static String geminiChunk(String text, boolean last) throws IOException {
        ObjectNode chunk = JSON.createObjectNode();
        ObjectNode candidate = chunk.putArray("candidates").addObject();
        candidate
                .putObject("content")
                .put("role", "model")
                .putArray("parts")
                .addObject()
                .put("text", text);
        candidate.put("index", 0);
        if (last) {
            candidate.put("finishReason", "STOP");
            chunk.putObject("usageMetadata")
                    .put("promptTokenCount", 10)
                    .put("candidatesTokenCount", 7)
                    .put("totalTokenCount", 17);
        }
        chunk.put("modelVersion", "fake-model");
        return JSON.writeValueAsString(chunk);
    }

    private static void streamToolCall(OutputStream out) throws IOException {
        String head = "{\"id\":\"chatcmpl-tool\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                + "\"model\":\"fake-model\",\"choices\":[{\"index\":0,";
        data(
                out,
                head + "\"delta\":{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"call_1\","
                        + "\"type\":\"function\",\"function\":{\"name\":\"bash\",\"arguments\":"
                        + JSON.writeValueAsString("{\"command\":\"echo step-one\"}")
                        + "}}]},\"finish_reason\":null}]}");
        data(out, head + "\"delta\":{},\"finish_reason\":\"tool_calls\"}]}");
        data(out, "[DONE]");
    }

    private void awaitRelease() {
        try {
            release.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void event(OutputStream out, String name, String json) throws IOException {
        out.write(("event: " + name + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void data(OutputStream out, String json) throws IOException {
        out.write(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String anthropicMessage(String text) throws IOException {
        ObjectNode message = JSON.createObjectNode();
        message.put("id", "msg_fake")
                .put("type", "message")
                .put("role", "assistant")
                .put("model", "fake-model");
        message.putArray("content").addObject().put("type", "text").put("text", text);
        message.put("stop_reason", "end_turn").putNull("stop_sequence");
        message.putObject("usage").put("input_tokens", 10).put("output_tokens", 7);
        return JSON.writeValueAsString(message);
    }

    private static String chatCompletion(String text) throws IOException {
        ObjectNode completion = JSON.createObjectNode();
        completion
                .put("id", "chatcmpl-fake")
                .put("object", "chat.completion")
                .put("created", 1)
                .put("model", "fake-model");
        ObjectNode choice = completion.putArray("choices").addObject();
        choice.put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", text);
        return JSON.writeValueAsString(completion);
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
