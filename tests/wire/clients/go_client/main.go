// Wire-compatibility scenario using github.com/rabbitmq/amqp091-go.
//
// Usage: go_client AMQP_URL
// Build offline in GOPATH mode (Debian golang-github-rabbitmq-amqp091-go-dev):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o OUT ./go_client
//
// Prints one JSON result line on stdout; exits non-zero on any failure.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

const client = "go"
const stepTimeout = 10 * time.Second // every step (and so every wait) is bounded by this

var (
	stepMu   sync.Mutex
	stepName = "start"
	watchdog *time.Timer
)

func step(name string) {
	stepMu.Lock()
	defer stepMu.Unlock()
	stepName = name
	if watchdog != nil {
		watchdog.Stop()
	}
	watchdog = time.AfterFunc(stepTimeout, func() {
		stepMu.Lock()
		defer stepMu.Unlock()
		fmt.Fprintf(os.Stderr, "%s: FAILED in step %s: timeout (%v)\n", client, stepName, stepTimeout)
		os.Exit(1)
	})
}

type obj = map[string]interface{}

func run(url string) (obj, error) {
	rb := make([]byte, 5)
	if _, err := rand.Read(rb); err != nil {
		return nil, err
	}
	prefix := client + "." + hex.EncodeToString(rb) + "."
	X, DLX, WORK, DLQ, MISSING := prefix+"x", prefix+"dlx", prefix+"work", prefix+"dlq", prefix+"missing"
	var norm func(v interface{}) interface{}
	norm = func(v interface{}) interface{} {
		switch t := v.(type) {
		case string:
			return strings.ReplaceAll(t, prefix, "")
		case []byte:
			return strings.ReplaceAll(string(t), prefix, "")
		case []interface{}:
			out := make([]interface{}, len(t))
			for i, e := range t {
				out[i] = norm(e)
			}
			return out
		}
		return v
	}
	result := obj{"client": client}

	step("a.connect")
	conn, err := amqp.DialConfig(url, amqp.Config{
		Heartbeat: 10 * time.Second,
		Locale:    "en_US",
		Dial:      amqp.DefaultDial(stepTimeout),
	})
	if err != nil {
		return nil, err
	}
	ch, err := conn.Channel()
	if err != nil {
		return nil, err
	}

	step("a.declare")
	if err := ch.ExchangeDeclare(X, "direct", true, false, false, false, nil); err != nil {
		return nil, err
	}
	if err := ch.ExchangeDeclare(DLX, "fanout", true, false, false, false, nil); err != nil {
		return nil, err
	}
	if _, err := ch.QueueDeclare(DLQ, true, false, false, false, nil); err != nil {
		return nil, err
	}
	if err := ch.QueueBind(DLQ, "", DLX, false, nil); err != nil {
		return nil, err
	}
	args := amqp.Table{"x-dead-letter-exchange": DLX, "x-message-ttl": int32(60000)}
	if _, err := ch.QueueDeclare(WORK, true, false, false, false, args); err != nil {
		return nil, err
	}
	if err := ch.QueueBind(WORK, "k", X, false, nil); err != nil {
		return nil, err
	}

	step("b.confirms")
	if err := ch.Confirm(false); err != nil {
		return nil, err
	}
	confirms := ch.NotifyPublish(make(chan amqp.Confirmation, 8))
	returns := ch.NotifyReturn(make(chan amqp.Return, 1))
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	for i := 0; i < 5; i++ {
		err := ch.PublishWithContext(ctx, X, "k", false, false, amqp.Publishing{
			DeliveryMode: amqp.Persistent,
			Headers:      amqp.Table{"attempt": int32(1)},
			Body:         []byte(fmt.Sprintf("m%d", i)),
		})
		if err != nil {
			return nil, err
		}
	}
	acks, nacks := 0, 0
	for i := 0; i < 5; i++ {
		select {
		case c, ok := <-confirms:
			if !ok {
				return nil, errors.New("confirm channel closed")
			}
			if c.Ack {
				acks++
			} else {
				nacks++
			}
		case <-time.After(stepTimeout):
			return nil, errors.New("timeout waiting for confirms")
		}
	}
	result["confirms"] = obj{"ack": acks, "nack": nacks}

	step("c.return")
	err = ch.PublishWithContext(ctx, X, "no-such-key", true, false, amqp.Publishing{
		DeliveryMode: amqp.Persistent, Body: []byte("unroutable"),
	})
	if err != nil {
		return nil, err
	}
	select {
	case r := <-returns:
		result["return"] = obj{"code": int(r.ReplyCode), "text": r.ReplyText}
	case <-time.After(stepTimeout):
		return nil, errors.New("timeout waiting for basic.return")
	}
	select { // the returned message is still confirmed
	case <-confirms:
	case <-time.After(stepTimeout):
		return nil, errors.New("timeout waiting for confirm of returned message")
	}

	step("d.consume")
	if err := ch.Qos(2, 0, false); err != nil {
		return nil, err
	}
	deliveries, err := ch.Consume(WORK, "go-consumer", false, false, false, false, nil)
	if err != nil {
		return nil, err
	}
	delivered, redelivered := []interface{}{}, []interface{}{}
	for len(delivered) < 5 {
		select {
		case d, ok := <-deliveries:
			if !ok {
				return nil, errors.New("delivery channel closed")
			}
			if a, _ := d.Headers["attempt"].(int32); a != 1 {
				return nil, fmt.Errorf("bad headers %v", d.Headers)
			}
			delivered = append(delivered, string(d.Body))
			redelivered = append(redelivered, d.Redelivered)
			if len(delivered) <= 3 {
				err = d.Ack(false)
			} else {
				err = d.Nack(false, false)
			}
			if err != nil {
				return nil, err
			}
		case <-time.After(stepTimeout):
			return nil, errors.New("timeout waiting for delivery")
		}
	}
	if err := ch.Cancel("go-consumer", false); err != nil {
		return nil, err
	}
	result["delivered"] = delivered
	result["redelivered"] = redelivered

	step("e.dlq")
	got := []interface{}{}
	deadline := time.Now().Add(stepTimeout)
	for len(got) < 2 {
		m, ok, err := ch.Get(DLQ, true)
		if err != nil {
			return nil, err
		}
		if !ok {
			if time.Now().After(deadline) {
				return nil, fmt.Errorf("DLQ has %d of 2 messages", len(got))
			}
			time.Sleep(50 * time.Millisecond)
			continue
		}
		xd := []interface{}{}
		if list, ok := m.Headers["x-death"].([]interface{}); ok {
			for _, e := range list {
				d, _ := e.(amqp.Table)
				xd = append(xd, obj{
					"queue":        norm(d["queue"]),
					"reason":       norm(d["reason"]),
					"count":        d["count"],
					"exchange":     norm(d["exchange"]),
					"routing-keys": norm(d["routing-keys"]),
				})
			}
		}
		got = append(got, obj{
			"body":                 string(m.Body),
			"x_death":              xd,
			"x_first_death_reason": norm(m.Headers["x-first-death-reason"]),
		})
	}
	result["dlq"] = got

	step("f.passive")
	_, err = ch.QueueDeclarePassive(MISSING, false, false, false, false, nil)
	var aerr *amqp.Error
	if err == nil {
		return nil, errors.New("passive declare of a missing queue succeeded")
	} else if !errors.As(err, &aerr) {
		return nil, err
	}
	result["passive_error"] = obj{"code": aerr.Code, "text": norm(aerr.Reason)}

	step("f.cleanup")
	ch2, err := conn.Channel()
	if err != nil {
		return nil, err
	}
	for _, q := range []string{WORK, DLQ} {
		if _, err := ch2.QueueDelete(q, false, false, false); err != nil {
			return nil, err
		}
	}
	for _, x := range []string{X, DLX} {
		if err := ch2.ExchangeDelete(x, false, false); err != nil {
			return nil, err
		}
	}
	if err := ch2.Close(); err != nil {
		return nil, err
	}

	step("g.close")
	if err := conn.Close(); err != nil {
		return nil, err
	}
	watchdog.Stop()
	return result, nil
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go_client AMQP_URL")
		os.Exit(2)
	}
	res, err := run(os.Args[1])
	if err != nil {
		stepMu.Lock()
		fmt.Fprintf(os.Stderr, "%s: FAILED in step %s: %v\n", client, stepName, err)
		os.Exit(1)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf) // map keys are sorted; compact; one line
	enc.SetEscapeHTML(false)
	if err := enc.Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Stdout.Write(buf.Bytes())
}
