// The wire session speaks RabbitMQ 3.10.8's side of AMQP 0-9-1: each rule
// here was probed against the real broker (texts, codes, class and method
// ids, what closes and when; see tests/conformance/README.md).
#include "wire_client.h"

#include "gmock/gmock.h"

namespace warren::internal::wire {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(WireHandshake, StartAdvertisesRabbitMQ3108WithItsCapabilitiesAndMechanisms) {
  WireTest t;
  t.Raw(std::string("AMQP\0\0\x09\x01", 8));
  Reply start = t.Next();
  ASSERT_EQ(start.name, "connection.start");
  EXPECT_THAT(start.numbers, ElementsAre(0, 9));
  FieldTable props = DecodeTable(start.texts[0]);
  EXPECT_EQ(*props.Find("product"), FieldValue::String("RabbitMQ"));
  EXPECT_EQ(*props.Find("version"), FieldValue::String("3.10.8"));
  std::vector<std::string> keys, caps;
  for (const auto& [k, v] : props) keys.push_back(k);
  for (const auto& [k, v] : props.Find("capabilities")->as_table()) {
    caps.push_back(k);
    EXPECT_EQ(v, FieldValue::Bool(true));
  }
  EXPECT_THAT(keys, ElementsAre("capabilities", "cluster_name", "copyright", "information",
                                "platform", "product", "version"));
  EXPECT_THAT(caps, ElementsAre("publisher_confirms", "exchange_exchange_bindings", "basic.nack",
                                "consumer_cancel_notify", "connection.blocked",
                                "consumer_priorities", "authentication_failure_close",
                                "per_consumer_qos", "direct_reply_to"));
  EXPECT_EQ(start.texts[1], "AMQPLAIN PLAIN");
  EXPECT_EQ(start.texts[2], "en_US");
}

TEST(WireHandshake, TuneOffersRabbitMQsDefaultsAndOpenSucceedsForTheDefaultVhost) {
  WireTest t;
  t.Raw(std::string("AMQP\0\0\x09\x01", 8));
  (void)t.Next();
  t.Send(0, Call(ids::kConnectionStartOk).Table({}).ShortStr("PLAIN")
                .LongStr(std::string("\0guest\0guest", 12)).ShortStr("en_US"));
  Reply tune = t.Next();
  EXPECT_EQ(tune.name, "connection.tune");
  EXPECT_THAT(tune.numbers, ElementsAre(2047, 131072, 60));
  t.Send(0, Call(ids::kConnectionTuneOk).Short(2047).Long(131072).Short(30));
  t.Send(0, Call(ids::kConnectionOpen).ShortStr("/").ShortStr("").Bit(false));
  EXPECT_EQ(t.Next().name, "connection.open-ok");
  EXPECT_EQ(t.session.heartbeat(), 30);  // the client's value, as RabbitMQ takes it
  EXPECT_TRUE(t.session.running());
}

TEST(WireHandshake, AnotherProtocolHeaderGetsAmqp091sBackAndAReset) {
  WireTest t;
  t.session.OnBytes("HTTP/1.1");
  EXPECT_EQ(t.session.output(), std::string("AMQP\0\0\x09\x01", 8));
  EXPECT_EQ(t.session.socket_action(), SocketAction::kCloseNow);
}

TEST(WireHandshake, AmqplainLoginsAreAcceptedAsPyAmqpSendsThem) {
  WireTest t;
  t.Raw(std::string("AMQP\0\0\x09\x01", 8));
  (void)t.Next();
  std::string table(*EncodedTableSize({{"LOGIN", FieldValue::String("guest")},
                                       {"PASSWORD", FieldValue::String("guest")}},
                                      nullptr),
                    '\0');
  PutTable({{"LOGIN", FieldValue::String("guest")}, {"PASSWORD", FieldValue::String("guest")}},
           table.data());
  t.Send(0, Call(ids::kConnectionStartOk).Table({}).ShortStr("AMQPLAIN")
                .LongStr(table.substr(4))  // py-amqp strips the table's length
                .ShortStr("en_US"));
  EXPECT_EQ(t.Next().name, "connection.tune");
}

TEST(WireHandshake, ARefusedLoginIsA403OnlyForClientsThatAskAndTheSocketGoesAfterThreeSeconds) {
  for (bool capable : {true, false}) {
    WireTest t;
    t.Raw(std::string("AMQP\0\0\x09\x01", 8));
    (void)t.Next();
    FieldTable caps;
    if (capable) caps.Set("authentication_failure_close", FieldValue::Bool(true));
    t.Send(0, Call(ids::kConnectionStartOk).Table({{"capabilities", FieldValue::Table(caps)}})
                  .ShortStr("PLAIN").LongStr(std::string("\0guest\0wrong", 12)).ShortStr("en_US"));
    if (capable) {
      Reply close = t.Next();
      EXPECT_EQ(close.name, "connection.close");
      EXPECT_EQ(close.code(), 403);
      EXPECT_EQ(close.text(), "ACCESS_REFUSED - Login was refused using authentication mechanism "
                              "PLAIN. For details see the broker logfile.");
    }
    EXPECT_TRUE(t.Quiet());
    EXPECT_EQ(t.session.socket_action(), SocketAction::kCloseAfterSilence);
  }
}

TEST(WireHandshake, AnUnknownVhostIsA530NamingIt) {
  WireTest t;
  t.Raw(std::string("AMQP\0\0\x09\x01", 8));
  (void)t.Next();
  t.Send(0, Call(ids::kConnectionStartOk).Table({}).ShortStr("PLAIN")
                .LongStr(std::string("\0guest\0guest", 12)).ShortStr("en_US"));
  (void)t.Next();
  t.Send(0, Call(ids::kConnectionTuneOk).Short(2047).Long(131072).Short(0));
  t.Send(0, Call(ids::kConnectionOpen).ShortStr("nope").ShortStr("").Bit(false));
  Reply close = t.Next();
  EXPECT_EQ(close.name, "connection.close");
  EXPECT_THAT(close.numbers, ElementsAre(530, 10, 40));
  EXPECT_EQ(close.text(), "NOT_ALLOWED - vhost nope not found");
}

TEST(WireHandshake, ABadTuneOkClosesSilentlyAsRabbitMQ3108Does) {
  for (uint32_t frame_max : {0u, 4095u, 131073u}) {
    WireTest t;
    t.Raw(std::string("AMQP\0\0\x09\x01", 8));
    (void)t.Next();
    t.Send(0, Call(ids::kConnectionStartOk).Table({}).ShortStr("PLAIN")
                  .LongStr(std::string("\0guest\0guest", 12)).ShortStr("en_US"));
    (void)t.Next();
    t.Send(0, Call(ids::kConnectionTuneOk).Short(2047).Long(frame_max).Short(0));
    EXPECT_TRUE(t.Quiet()) << frame_max;
    EXPECT_EQ(t.session.socket_action(), SocketAction::kCloseAfterSilence) << frame_max;
  }
}

TEST(WireSession, APublishIsDeliveredWithTheSamePropertyBytesAndAcked) {
  WireTest t;
  t.Handshake();
  t.OpenChannel(1);
  t.Send(1, Call(ids::kQueueDeclare).Short(0).ShortStr("q").Bit(false).Bit(false).Bit(false)
                .Bit(false).Bit(false).Table({}));
  Reply ok = t.Next();
  EXPECT_EQ(ok.name, "queue.declare-ok");
  EXPECT_EQ(ok.texts[0], "q");
  t.Send(1, Call(ids::kBasicConsume).Short(0).ShortStr("q").ShortStr("ctag").Bit(false)
                .Bit(false).Bit(false).Bit(false).Table({}));
  EXPECT_EQ(t.Next().name, "basic.consume-ok");
  BasicProperties p;
  p.content_type = "application/json";
  p.headers = FieldTable{{"id", FieldValue::String("t-1")}, {"retries", FieldValue::Long(2)}};
  t.Publish(1, Call(ids::kBasicPublish).Short(0).ShortStr("").ShortStr("q").Bit(false).Bit(false),
            p, "{\"x\":1}");
  Reply deliver = t.Next();
  EXPECT_EQ(deliver.name, "basic.deliver");
  EXPECT_EQ(deliver.texts[0], "ctag");
  EXPECT_THAT(deliver.numbers, ElementsAre(1, 0));  // delivery tag 1, not redelivered
  Reply header = t.Next();
  EXPECT_EQ(header.name, "header");
  EXPECT_EQ(header.payload, ContentHeader(p, 7));
  EXPECT_EQ(t.Next().payload, "{\"x\":1}");
  t.Send(1, Call(ids::kBasicAck).LongLong(1).Bit(false));
  EXPECT_EQ(t.sim.counters().acked, 1u);
  EXPECT_TRUE(t.sim.CheckInvariants().ok());
}

TEST(WireSession, ABodyIsSplitIntoFramesOfTheNegotiatedFrameMax) {
  WireTest t;
  t.Handshake(WireTest::DefaultCapabilities(), /*frame_max=*/4096);
  t.OpenChannel(1);
  t.Send(1, Call(ids::kQueueDeclare).Short(0).ShortStr("q").Bit(false).Bit(false).Bit(false)
                .Bit(false).Bit(false).Table({}));
  (void)t.Next();
  std::string body(10000, 'b');
  std::string out;
  Call(ids::kBasicPublish).Short(0).ShortStr("").ShortStr("q").Bit(false).Bit(false)
      .AppendTo(out, 1);
  AppendFrame(out, kFrameHeader, 1, ContentHeader({}, body.size()));
  for (size_t at = 0; at < body.size(); at += 4088) {
    AppendFrame(out, kFrameBody, 1, std::string_view(body).substr(at, 4088));
  }
  t.Raw(out);
  t.Send(1, Call(ids::kBasicGet).Short(0).ShortStr("q").Bit(true));
  EXPECT_EQ(t.Next().name, "basic.get-ok");
  EXPECT_EQ(t.Next().name, "header");
  std::string got;
  for (int i = 0; i < 3; ++i) {
    Reply b = t.Next();
    EXPECT_LE(b.payload.size(), 4088u);
    got += b.payload;
  }
  EXPECT_EQ(got, body);
  EXPECT_TRUE(t.Quiet());
}

TEST(WireSession, BytesArrivingOneAtATimeGiveTheSameConversation) {
  WireTest whole, split;
  whole.Handshake();
  split.Raw(std::string("AMQP\0\0\x09\x01", 8));
  (void)split.Next();
  std::string out;
  Call(ids::kConnectionStartOk).Table({}).ShortStr("PLAIN")
      .LongStr(std::string("\0guest\0guest", 12)).ShortStr("en_US").AppendTo(out, 0);
  Call(ids::kConnectionTuneOk).Short(2047).Long(131072).Short(0).AppendTo(out, 0);
  Call(ids::kConnectionOpen).ShortStr("/").ShortStr("").Bit(false).AppendTo(out, 0);
  Call(ids::kChannelOpen).ShortStr("").AppendTo(out, 7);
  for (char c : out) split.Raw(std::string(1, c));
  EXPECT_EQ(split.Next().name, "connection.tune");
  EXPECT_EQ(split.Next().name, "connection.open-ok");
  Reply open = split.Next();
  EXPECT_EQ(open.name, "channel.open-ok");
  EXPECT_EQ(open.channel, 7);
}

TEST(WireErrors, APublishToAMissingExchangeClosesTheChannelWith404AndTheNumberCanBeReused) {
  WireTest t;
  t.Handshake();
  t.OpenChannel(1);
  t.Publish(1, Call(ids::kBasicPublish).Short(0).ShortStr("nope").ShortStr("k").Bit(false)
                   .Bit(false), {}, "x");
  Reply close = t.Next();
  EXPECT_EQ(close.name, "channel.close");
  EXPECT_THAT(close.numbers, ElementsAre(404, 60, 40));
  EXPECT_EQ(close.text(), "NOT_FOUND - no exchange 'nope' in vhost '/'");
  // Until close-ok, the channel's frames are ignored.
  t.Send(1, Call(ids::kQueueDeclare).Short(0).ShortStr("q").Bit(false).Bit(false).Bit(false)
                .Bit(false).Bit(false).Table({}));
  EXPECT_TRUE(t.Quiet());
  t.Send(1, Call(ids::kChannelCloseOk));
  t.OpenChannel(1);
  EXPECT_TRUE(t.session.running());
}

TEST(WireErrors, HardErrorsCloseTheConnectionEvenWhenRaisedOnAChannel) {
  WireTest t;
  t.Handshake();
  t.OpenChannel(1);
  t.Send(1, Call(ids::kChannelFlow).Bit(false));
  Reply close = t.Next();
  EXPECT_EQ(close.name, "connection.close");
  EXPECT_EQ(close.channel, 0);
  EXPECT_THAT(close.numbers, ElementsAre(540, 20, 20));
  EXPECT_EQ(close.text(), "NOT_IMPLEMENTED - active=false");
  EXPECT_EQ(t.session.socket_action(), SocketAction::kCloseAfterClose);
  t.Send(0, Call(ids::kConnectionCloseOk));
  EXPECT_EQ(t.session.socket_action(), SocketAction::kCloseNow);
}

TEST(WireErrors, PrefetchSizeAndDuplicateConsumerTagsAreConnectionErrors) {
  WireTest t;
  t.Handshake();
  t.OpenChannel(1);
  t.Send(1, Call(ids::kBasicQos).Long(1).Short(10).Bit(false));
  Reply close = t.Next();
  EXPECT_THAT(close.numbers, ElementsAre(540, 60, 10));
  EXPECT_EQ(close.text(), "NOT_IMPLEMENTED - prefetch_size!=0 (1)");

  WireTest u;
  u.Handshake();
  u.OpenChannel(1);
  u.Send(1, Call(ids::kQueueDeclare).Short(0).ShortStr("q").Bit(false).Bit(false).Bit(false)
                .Bit(false).Bit(true).Table({}));
  for (int i = 0; i < 2; ++i) {
    u.Send(1, Call(ids::kBasicConsume).Short(0).ShortStr("q").ShortStr("tag1").Bit(false)
                  .Bit(false).Bit(false).Bit(false).Table({}));
  }
  EXPECT_EQ(u.Next().name, "basic.consume-ok");
  Reply dup = u.Next();
  EXPECT_EQ(dup.name, "connection.close");
  EXPECT_THAT(dup.numbers, ElementsAre(530, 60, 20));
  EXPECT_EQ(dup.text(), "NOT_ALLOWED - attempt to reuse consumer tag 'tag1'");
}

TEST(WireErrors, FramingErrorsGetRabbitMQsFrameErrorTexts) {
  {
    WireTest t;
    t.Handshake(WireTest::DefaultCapabilities(), 4096);
    std::string big = FrameBytes(kFrameBody, 1, std::string(4097, 'x'));
    t.Raw(big);
    Reply close = t.Next();
    EXPECT_THAT(close.numbers, ElementsAre(501, 0, 0));
    EXPECT_EQ(close.text(), "FRAME_ERROR - type 3, all octets = <<>>: {frame_too_large,4097,4088}");
    EXPECT_EQ(t.session.socket_action(), SocketAction::kCloseAfterSilence);
  }
  {
    WireTest t;
    t.Handshake();
    std::string bad = FrameBytes(kFrameMethod, 0, std::string("\x00\x0a\x00\x33", 4));
    bad.back() = 'x';
    t.Raw(bad);
    EXPECT_EQ(t.Next().text(),
              "FRAME_ERROR - type 1, all octets = <<0,10,0,51>>: {invalid_frame_end_marker,120}");
  }
  {
    WireTest t;
    t.Handshake();
    t.Raw(FrameBytes(7, 0, "abc"));
    EXPECT_EQ(t.Next().text(), "FRAME_ERROR - type 7, all octets = <<\"abc\">>: unknown_frame");
  }
  {
    WireTest t;  // before tune-ok an oversized frame gets no frame at all
    t.Raw(std::string("AMQP\0\0\x09\x01", 8));
    (void)t.Next();
    t.Raw(FrameBytes(kFrameMethod, 0, std::string(5000, 'x')));
    EXPECT_TRUE(t.Quiet());
    EXPECT_EQ(t.session.socket_action(), SocketAction::kCloseAfterSilence);
  }
}

TEST(WireErrors, FramesOutOfOrderAre505sWithTheAssemblersTexts) {
  {
    WireTest t;
    t.Handshake();
    t.OpenChannel(1);
    t.Raw(FrameBytes(kFrameHeader, 1, ContentHeader({}, 1)));
    Reply close = t.Next();
    EXPECT_THAT(close.numbers, ElementsAre(505, 0, 0));
    EXPECT_EQ(close.text(), "UNEXPECTED_FRAME - expected method frame, got non method frame instead");
  }
  {
    WireTest t;
    t.Handshake();
    t.OpenChannel(1);
    t.Send(1, Call(ids::kBasicPublish).Short(0).ShortStr("").ShortStr("q").Bit(false).Bit(false));
    t.Send(1, Call(ids::kBasicQos).Long(0).Short(1).Bit(false));
    Reply close = t.Next();
    EXPECT_THAT(close.numbers, ElementsAre(505, 60, 40));
    EXPECT_EQ(close.text(), "UNEXPECTED_FRAME - expected content header for class 60, got non "
                            "content header frame instead");
  }
  {
    WireTest t;  // a body longer than announced: swallowed, then the next method is refused
    t.Handshake();
    t.OpenChannel(1);
    std::string out;
    Call(ids::kBasicPublish).Short(0).ShortStr("").ShortStr("q").Bit(false).Bit(false)
        .AppendTo(out, 1);
    AppendFrame(out, kFrameHeader, 1, ContentHeader({}, 2));
    AppendFrame(out, kFrameBody, 1, "abc");
    t.Raw(out);
    EXPECT_TRUE(t.Quiet());
    t.Send(1, Call(ids::kBasicQos).Long(0).Short(1).Bit(false));
    EXPECT_EQ(t.Next().text(),
              "UNEXPECTED_FRAME - expected content body, got non content body frame instead");
  }
  {
    WireTest t;
    t.Handshake();
    t.Raw(FrameBytes(kFrameHeartbeat, 1, ""));
    EXPECT_EQ(t.Next().text(), "UNEXPECTED_FRAME - type 8, all octets = <<>>");
  }
}

TEST(WireErrors, MethodsThatDoNotParseAre501OrACrashAsInRabbitMQ) {
  {
    WireTest t;
    t.Handshake();
    t.OpenChannel(1);
    t.Raw(FrameBytes(kFrameMethod, 1, std::string("\x00\x32\x00\x0a\x00\x00\x0a\x61\x62", 9)));
    Reply close = t.Next();
    EXPECT_THAT(close.numbers, ElementsAre(501, 50, 10));
    EXPECT_EQ(close.text(), "FRAME_ERROR - cannot decode <<0,0,10,97,98>>");
  }
  {
    WireTest t;  // an unknown method id: RabbitMQ's connection process dies, no frame
    t.Handshake();
    t.Raw(FrameBytes(kFrameMethod, 1, std::string("\x00\x63\x00\x01", 4)));
    EXPECT_TRUE(t.Quiet());
    EXPECT_EQ(t.session.socket_action(), SocketAction::kCloseNow);
    ASSERT_FALSE(t.session.notes().empty());
    EXPECT_THAT(t.session.notes().back(), HasSubstr("unknown method id 99/1"));
  }
}

TEST(WireErrors, ChannelsAreCountedAgainstChannelMaxNotTheirNumbers) {
  WireTest t;
  t.Raw(std::string("AMQP\0\0\x09\x01", 8));
  (void)t.Next();
  t.Send(0, Call(ids::kConnectionStartOk).Table({}).ShortStr("PLAIN")
                .LongStr(std::string("\0guest\0guest", 12)).ShortStr("en_US"));
  (void)t.Next();
  t.Send(0, Call(ids::kConnectionTuneOk).Short(2).Long(131072).Short(0));
  t.Send(0, Call(ids::kConnectionOpen).ShortStr("/").ShortStr("").Bit(false));
  (void)t.Next();
  t.OpenChannel(5000);
  t.OpenChannel(65535);
  t.Send(3, Call(ids::kChannelOpen).ShortStr(""));
  Reply close = t.Next();
  EXPECT_EQ(close.name, "connection.close");
  EXPECT_EQ(close.text(),
            "NOT_ALLOWED - number of channels opened (2) has reached the negotiated channel_max (2)");
}

TEST(WireErrors, ReplyTextsLongerThan255BytesAreCutTo252AndAnEllipsis) {
  WireTest t;
  t.Handshake();
  t.OpenChannel(1);
  t.Send(1, Call(ids::kQueueDeclare).Short(0).ShortStr(std::string(255, 'z')).Bit(true)
                .Bit(false).Bit(false).Bit(false).Bit(false).Table({}));
  Reply close = t.Next();
  EXPECT_EQ(close.code(), 404);
  EXPECT_EQ(close.text().size(), 255u);
  EXPECT_EQ(close.text(), std::string("NOT_FOUND - no queue '") + std::string(230, 'z') + "...");
}

TEST(WireBroker, ConfirmsReturnsAndServerCancelsReachTheClient) {
  WireTest t;
  t.Handshake();
  t.OpenChannel(1);
  t.Send(1, Call(ids::kConfirmSelect).Bit(false));
  EXPECT_EQ(t.Next().name, "confirm.select-ok");
  t.Publish(1, Call(ids::kBasicPublish).Short(0).ShortStr("").ShortStr("nowhere").Bit(true)
                   .Bit(false), {}, "lost");
  Reply ret = t.Next();
  EXPECT_EQ(ret.name, "basic.return");
  EXPECT_EQ(ret.code(), 312);
  EXPECT_EQ(ret.text(), "NO_ROUTE");
  EXPECT_EQ(t.Next().name, "header");
  EXPECT_EQ(t.Next().payload, "lost");
  Reply ack = t.Next();
  EXPECT_EQ(ack.name, "basic.ack");
  EXPECT_EQ(ack.numbers[0], 1u);

  t.Send(1, Call(ids::kQueueDeclare).Short(0).ShortStr("q").Bit(false).Bit(false).Bit(false)
                .Bit(false).Bit(true).Table({}));
  t.Send(1, Call(ids::kBasicConsume).Short(0).ShortStr("q").ShortStr("c1").Bit(false).Bit(false)
                .Bit(false).Bit(false).Table({}));
  (void)t.Next();
  t.Send(1, Call(ids::kQueueDelete).Short(0).ShortStr("q").Bit(false).Bit(false).Bit(false));
  EXPECT_EQ(t.Next().name, "queue.delete-ok");
  Reply cancel = t.Next();
  EXPECT_EQ(cancel.name, "basic.cancel");
  EXPECT_EQ(cancel.texts[0], "c1");
}

TEST(WireBroker, ConsumersOfClientsWithoutConsumerCancelNotifyAreCancelledSilently) {
  WireTest t;
  t.Handshake(/*capabilities=*/{});
  t.OpenChannel(1);
  t.Send(1, Call(ids::kQueueDeclare).Short(0).ShortStr("q").Bit(false).Bit(false).Bit(false)
                .Bit(false).Bit(true).Table({}));
  t.Send(1, Call(ids::kBasicConsume).Short(0).ShortStr("q").ShortStr("c1").Bit(false).Bit(false)
                .Bit(false).Bit(false).Table({}));
  (void)t.Next();
  t.Send(1, Call(ids::kQueueDelete).Short(0).ShortStr("q").Bit(false).Bit(false).Bit(false));
  EXPECT_EQ(t.Next().name, "queue.delete-ok");
  EXPECT_TRUE(t.Quiet());
}

TEST(WireBroker, ClosingTheConnectionRequeuesWhatTheClientHeld) {
  WireTest t;
  t.Handshake();
  t.OpenChannel(1);
  t.Send(1, Call(ids::kQueueDeclare).Short(0).ShortStr("q").Bit(false).Bit(false).Bit(false)
                .Bit(false).Bit(true).Table({}));
  t.Publish(1, Call(ids::kBasicPublish).Short(0).ShortStr("").ShortStr("q").Bit(false).Bit(false),
            {}, "held");
  t.Send(1, Call(ids::kBasicConsume).Short(0).ShortStr("q").ShortStr("c").Bit(false).Bit(false)
                .Bit(false).Bit(false).Table({}));
  EXPECT_EQ(t.Next().name, "basic.consume-ok");
  EXPECT_EQ(t.Next().name, "basic.deliver");
  EXPECT_EQ(t.Next().name, "header");
  EXPECT_EQ(t.Next().name, "body");
  EXPECT_EQ(t.session.unacked(), 1u);
  t.Send(0, Call(ids::kConnectionClose).Short(200).ShortStr("bye").Short(0).Short(0));
  EXPECT_EQ(t.Next().name, "connection.close-ok");
  EXPECT_EQ(t.sim.Queue("q")->ready, 1u);
}

}  // namespace
}  // namespace warren::internal::wire
