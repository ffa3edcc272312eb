package io.curvefs.tools;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;

import java.io.PrintWriter;

/**
 * JSON output: protobuf records in their canonical JSON form (lowerCamelCase names, zero values printed so
 * that a script always finds the field), composed with gson where the tool adds fields of its own.
 */
public final class JsonOut {
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().alwaysPrintFieldsWithNoPresence();

    private JsonOut() {
    }

    static JsonObject of(MessageOrBuilder message) {
        try {
            return JsonParser.parseString(PRINTER.print(message)).getAsJsonObject();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
        }
    }

    public static void print(PrintWriter out, JsonElement json) {
        out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(json));
    }
}
