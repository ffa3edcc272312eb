package io.curvefs.common.rpc;

import com.alipay.remoting.CustomSerializerManager;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Registers every message of our .proto files with bolt, once per JVM. */
public final class WireMessages {
    private static final List<FileDescriptor> FILES = List.of(
            io.curvefs.proto.common.Common.getDescriptor(),
            io.curvefs.proto.mds.Mds.getDescriptor(),
            io.curvefs.proto.topology.Topology.getDescriptor(),
            io.curvefs.proto.heartbeat.Heartbeat.getDescriptor(),
            io.curvefs.proto.copyset.Copyset.getDescriptor(),
            io.curvefs.proto.metaserver.Metaserver.getDescriptor());
    private static volatile boolean registered;

    private WireMessages() {
    }

    public static synchronized void registerAll() {
        if (registered) {
            return;
        }
        Map<String, Parser<? extends Message>> parsers = new HashMap<>();
        for (FileDescriptor file : FILES) {
            String pkg = file.getOptions().getJavaPackage();
            for (Descriptor type : file.getMessageTypes()) {
                Message prototype = defaultInstance(pkg + "." + type.getName());
                parsers.put(prototype.getClass().getName(), prototype.getParserForType());
            }
        }
        ProtoSerializer serializer = new ProtoSerializer(Map.copyOf(parsers));
        parsers.keySet().forEach(name -> CustomSerializerManager.registerCustomSerializer(name, serializer));
        registered = true;
    }

    private static Message defaultInstance(String className) {
        try {
            return (Message) Class.forName(className).getMethod("getDefaultInstance").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("generated class missing: " + className, e);
        }
    }
}
