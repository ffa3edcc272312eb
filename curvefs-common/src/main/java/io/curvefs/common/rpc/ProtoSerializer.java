package io.curvefs.common.rpc;

import com.alipay.remoting.CustomSerializer;
import com.alipay.remoting.InvokeContext;
import com.alipay.remoting.exception.DeserializationException;
import com.alipay.remoting.exception.SerializationException;
import com.alipay.remoting.rpc.RequestCommand;
import com.alipay.remoting.rpc.ResponseCommand;
import com.alipay.remoting.rpc.protocol.RpcRequestCommand;
import com.alipay.remoting.rpc.protocol.RpcResponseCommand;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;

import java.util.Map;

/**
 * Bolt serializer for our protobuf messages. jraft's own ProtobufSerializer only knows the messages
 * described in its raft.desc, so registering it for our classes fails at decode time; this one decodes
 * with the parsers of {@link WireMessages}.
 */
final class ProtoSerializer implements CustomSerializer {
    private final Map<String, Parser<? extends Message>> parsers;

    ProtoSerializer(Map<String, Parser<? extends Message>> parsers) {
        this.parsers = parsers;
    }

    @Override
    public <T extends RequestCommand> boolean serializeHeader(T request, InvokeContext ctx) {
        return false;
    }

    @Override
    public <T extends ResponseCommand> boolean serializeHeader(T response) {
        return false;
    }

    @Override
    public <T extends RequestCommand> boolean deserializeHeader(T request) {
        return false;
    }

    @Override
    public <T extends ResponseCommand> boolean deserializeHeader(T response, InvokeContext ctx) {
        return false;
    }

    @Override
    public <T extends RequestCommand> boolean serializeContent(T request, InvokeContext ctx) {
        RpcRequestCommand cmd = (RpcRequestCommand) request;
        cmd.setContent(((Message) cmd.getRequestObject()).toByteArray());
        return true;
    }

    @Override
    public <T extends ResponseCommand> boolean serializeContent(T response) {
        RpcResponseCommand cmd = (RpcResponseCommand) response;
        cmd.setContent(((Message) cmd.getResponseObject()).toByteArray());
        return true;
    }

    @Override
    public <T extends RequestCommand> boolean deserializeContent(T request) throws DeserializationException {
        RpcRequestCommand cmd = (RpcRequestCommand) request;
        cmd.setRequestObject(parse(cmd.getRequestClass(), request.getContent()));
        return true;
    }

    @Override
    public <T extends ResponseCommand> boolean deserializeContent(T response, InvokeContext ctx)
            throws DeserializationException {
        RpcResponseCommand cmd = (RpcResponseCommand) response;
        cmd.setResponseObject(parse(cmd.getResponseClass(), response.getContent()));
        return true;
    }

    private Message parse(String className, byte[] content) throws DeserializationException {
        Parser<? extends Message> parser = parsers.get(className);
        if (parser == null) {
            throw new DeserializationException("no protobuf parser registered for " + className);
        }
        try {
            return parser.parseFrom(content == null ? new byte[0] : content);
        } catch (InvalidProtocolBufferException e) {
            throw new DeserializationException("cannot decode " + className + ": " + e.getMessage());
        }
    }
}
