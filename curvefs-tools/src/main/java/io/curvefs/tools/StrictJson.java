package io.curvefs.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;

/**
 * Reads standard JSON only: no comments, no single quotes, nothing after the document, and no key twice in
 * one object (gson's own tree parser is lenient and lets a later duplicate win silently).
 */
final class StrictJson {
    private StrictJson() {
    }

    /** Throws IllegalArgumentException whose message says what is wrong and where. */
    static JsonElement parse(String text) {
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setLenient(false);
            JsonElement root = read(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new IllegalArgumentException("unexpected content after the JSON document at " + where(reader));
            }
            return root;
        } catch (IOException e) {
            // gson reports syntax errors as IOExceptions (MalformedJsonException) that already say where
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage());
        }
    }

    private static JsonElement read(JsonReader reader) throws IOException {
        switch (reader.peek()) {
            case BEGIN_OBJECT -> {
                JsonObject object = new JsonObject();
                reader.beginObject();
                while (reader.hasNext()) {
                    String name = reader.nextName();
                    if (object.has(name)) {
                        throw new IllegalArgumentException("duplicate key \"" + name + "\" at " + where(reader));
                    }
                    object.add(name, read(reader));
                }
                reader.endObject();
                return object;
            }
            case BEGIN_ARRAY -> {
                JsonArray array = new JsonArray();
                reader.beginArray();
                while (reader.hasNext()) {
                    array.add(read(reader));
                }
                reader.endArray();
                return array;
            }
            case STRING -> {
                return new JsonPrimitive(reader.nextString());
            }
            case NUMBER -> {
                return new JsonPrimitive(new BigDecimal(reader.nextString()));
            }
            case BOOLEAN -> {
                return new JsonPrimitive(reader.nextBoolean());
            }
            case NULL -> {
                reader.nextNull();
                return JsonNull.INSTANCE;
            }
            default -> throw new IllegalArgumentException("unexpected " + reader.peek() + " at " + where(reader));
        }
    }

    private static String where(JsonReader reader) {
        return reader.getPath();
    }
}
