#!/usr/bin/python3
"""Probe: the single-active-consumer hand-over when the active consumer's
channel closes while it holds nothing of that queue (its channel-wide
prefetch is used up on another queue).

Run against a live broker (rabbitmq-server -detached; rabbitmqctl
await_startup) with Debian's python3-pika:  /usr/bin/python3 THIS_FILE

RabbitMQ 3.10.8 (2026-12-03): the next consumer is marked active but is not
sent the backlog; the next publish to the queue crashes the queue process
({badmatch,false} in rabbit_amqqueue_process:attempt_delivery, the log says
"Restarting crashed queue") and the non-durable queue comes back empty with
no consumers: both messages are lost. Known upstream as
rabbitmq/rabbitmq-server#5460. Warren hands the backlog to the next
consumer at once (what RabbitMQ means to do) and does not model the crash:
see README, "Known modelling gaps".
"""
import subprocess

import pika

P = pika.ConnectionParameters('localhost')
admin = pika.BlockingConnection(P).channel()
admin.queue_delete('sacq')
admin.queue_delete('otherq')
admin.queue_declare('sacq', arguments={'x-single-active-consumer': True})
admin.queue_declare('otherq')

c1conn = pika.BlockingConnection(P)
c1 = c1conn.channel()
c1.basic_qos(prefetch_count=1, global_qos=True)
got = {'holder': [], 'first': [], 'second': []}
c1.basic_consume('otherq', lambda ch, m, p, b: got['holder'].append(b), consumer_tag='holder')
admin.basic_publish('', 'otherq', b'x')
c1conn.process_data_events(0.3)  # c1's one slot is now taken
c1.basic_consume('sacq', lambda ch, m, p, b: got['first'].append(b), consumer_tag='first')
c2conn = pika.BlockingConnection(P)
c2 = c2conn.channel()


def on_second(ch, method, props, body):
    got['second'].append(body)
    ch.basic_ack(method.delivery_tag)


c2.basic_consume('sacq', on_second, consumer_tag='second')
admin.basic_publish('', 'sacq', b'1')
c1conn.process_data_events(0.3)
c2conn.process_data_events(0.3)


def state(label):
    d = admin.queue_declare('sacq', passive=True).method
    active = subprocess.run(['rabbitmqctl', '-q', 'list_consumers', 'queue_name', 'consumer_tag',
                             'active'], capture_output=True, text=True).stdout.strip()
    print(f'== {label}: received {got}, sacq ready {d.message_count}, consumers '
          f'{d.consumer_count}\n{active}')


state('before the close')
c1.close()
for _ in range(5):
    c2conn.process_data_events(0.2)
state('1 s after the active consumer\'s channel closed')
admin.basic_publish('', 'sacq', b'2')
for _ in range(5):
    c2conn.process_data_events(0.2)
state('1 s after the next publish')
admin.queue_delete('sacq')
admin.queue_delete('otherq')
