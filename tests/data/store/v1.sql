-- A gloss store at schema version 1 (the first schema), kept to test the
-- migration to the current schema.  The schema part is exactly what
-- migrations[0] in src/store-schema.c creates; never change either.
-- tests/unit/test-store.c loads this file into a new SQLite database.
BEGIN;
PRAGMA application_id = 1735159667;
CREATE TABLE documents (
  id TEXT PRIMARY KEY NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  source TEXT,
  created TEXT NOT NULL
) STRICT;
CREATE INDEX documents_by_source ON documents (source);
CREATE TABLE versions (
  seq INTEGER PRIMARY KEY,
  hash TEXT NOT NULL,
  renderer INTEGER NOT NULL,
  document TEXT NOT NULL REFERENCES documents (id),
  length_cp INTEGER NOT NULL CHECK (length_cp >= 0),
  text TEXT NOT NULL,
  first_seen TEXT NOT NULL,
  UNIQUE (hash, renderer)
) STRICT;
CREATE INDEX versions_by_document ON versions (document, seq);
CREATE TABLE annotations (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  document TEXT NOT NULL REFERENCES documents (id),
  version TEXT NOT NULL,
  renderer INTEGER NOT NULL,
  author TEXT NOT NULL CHECK (author <> ''),
  parent TEXT REFERENCES annotations (id),
  start_cp INTEGER,
  end_cp INTEGER,
  exact TEXT,
  prefix TEXT,
  suffix TEXT,
  style TEXT,
  note TEXT,
  status TEXT NOT NULL DEFAULT 'open'
    CHECK (status IN ('open', 'resolved')),
  anchor TEXT NOT NULL
    CHECK (anchor IN ('none', 'exact', 'moved', 'fuzzy', 'orphan')),
  private INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1)),
  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  created TEXT NOT NULL,
  updated TEXT NOT NULL,
  FOREIGN KEY (version, renderer) REFERENCES versions (hash, renderer),
  CHECK ((start_cp IS NULL) = (end_cp IS NULL)),
  CHECK (start_cp IS NULL OR (0 <= start_cp AND start_cp <= end_cp))
) STRICT;
CREATE INDEX annotations_by_document ON annotations (document, start_cp);
CREATE INDEX annotations_by_parent ON annotations (parent);
CREATE TABLE tags (
  annotation TEXT NOT NULL REFERENCES annotations (id),
  tag TEXT NOT NULL CHECK (tag <> ''),
  PRIMARY KEY (annotation, tag)
) STRICT, WITHOUT ROWID;
CREATE INDEX tags_by_tag ON tags (tag);
CREATE TABLE positions (
  document TEXT NOT NULL REFERENCES documents (id),
  author TEXT NOT NULL,
  offset_cp INTEGER NOT NULL,
  updated TEXT NOT NULL,
  PRIMARY KEY (document, author)
) STRICT;
CREATE TABLE seen (
  document TEXT NOT NULL REFERENCES documents (id),
  author TEXT NOT NULL,
  time TEXT NOT NULL,
  PRIMARY KEY (document, author)
) STRICT;
CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
  time TEXT NOT NULL,
  who TEXT NOT NULL,
  what TEXT NOT NULL,
  annotation TEXT REFERENCES annotations (id),
  before TEXT,
  after TEXT,
  reverts INTEGER REFERENCES events (seq)
) STRICT;
CREATE INDEX events_by_who ON events (who, seq);
CREATE INDEX events_by_annotation ON events (annotation, seq);
INSERT INTO documents (id, title, source, created) VALUES ('5d0c7a3e-1b2f-4c6d-8e9f-0a1b2c3d4e5f', 'The Quiet Harbour', '/home/reader/harbour.txt', '2023-05-01T08:00:00Z');
INSERT INTO versions (seq, hash, renderer, document, length_cp, text, first_seen) VALUES (1, '0123456789abcdef0123456789abcdef', 1, '5d0c7a3e-1b2f-4c6d-8e9f-0a1b2c3d4e5f', 208, 'The Quiet Harbour
At six in the morning the fishing boats come back to the harbour. Workers load crates of fish onto trucks, and the old harbour master says the catch is good today.
The market opens at seven.', '2023-05-01T08:00:00Z');
INSERT INTO documents (id, title, source, created) VALUES ('9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d', '港口的早晨', '/home/reader/港口.txt', '2023-05-02T09:30:00Z');
INSERT INTO versions (seq, hash, renderer, document, length_cp, text, first_seen) VALUES (2, 'fedcba9876543210fedcba9876543210', 1, '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d', 72, '港口的早晨
清晨六點，漁船陸續回港。碼頭上的工人把一箱箱魚搬上貨車，「今天的收成不錯」，老陳笑著說。
市場在七點開門，買菜的人很快就擠滿了走道。', '2023-05-02T09:30:00Z');
INSERT INTO annotations (seq, id, document, version, renderer, author, parent, start_cp, end_cp, exact, prefix, suffix, style, note, status, anchor, private, deleted, created, updated) VALUES (1, '11111111-aaaa-4bbb-8ccc-000000000001', '5d0c7a3e-1b2f-4c6d-8e9f-0a1b2c3d4e5f', '0123456789abcdef0123456789abcdef', 1, 'alice', NULL, 44, 57, 'fishing boats', 'rbour
At six in the morning the ', ' come back to the harbour. Worke', 'yellow', 'Which boats? The trawlers?', 'open', 'exact', 0, 0, '2023-05-01T10:01:00Z', '2023-05-01T10:01:00Z');
INSERT INTO tags (annotation, tag) VALUES ('11111111-aaaa-4bbb-8ccc-000000000001', 'boats');
INSERT INTO tags (annotation, tag) VALUES ('11111111-aaaa-4bbb-8ccc-000000000001', 'question');
INSERT INTO annotations (seq, id, document, version, renderer, author, parent, start_cp, end_cp, exact, prefix, suffix, style, note, status, anchor, private, deleted, created, updated) VALUES (2, '11111111-aaaa-4bbb-8ccc-000000000002', '5d0c7a3e-1b2f-4c6d-8e9f-0a1b2c3d4e5f', '0123456789abcdef0123456789abcdef', 1, 'bob', NULL, 137, 144, 'harbour', 'f fish onto trucks, and the old ', ' master says the catch is good t', NULL, 'second harbour', 'open', 'exact', 0, 0, '2023-05-01T10:02:00Z', '2023-05-01T10:02:00Z');
INSERT INTO tags (annotation, tag) VALUES ('11111111-aaaa-4bbb-8ccc-000000000002', 'place');
INSERT INTO annotations (seq, id, document, version, renderer, author, parent, start_cp, end_cp, exact, prefix, suffix, style, note, status, anchor, private, deleted, created, updated) VALUES (3, '11111111-aaaa-4bbb-8ccc-000000000003', '5d0c7a3e-1b2f-4c6d-8e9f-0a1b2c3d4e5f', '0123456789abcdef0123456789abcdef', 1, 'bob', '11111111-aaaa-4bbb-8ccc-000000000001', NULL, NULL, NULL, NULL, NULL, NULL, 'Only the trawlers, I think.', 'open', 'none', 0, 0, '2023-05-01T10:03:00Z', '2023-05-01T10:03:00Z');
INSERT INTO annotations (seq, id, document, version, renderer, author, parent, start_cp, end_cp, exact, prefix, suffix, style, note, status, anchor, private, deleted, created, updated) VALUES (4, '11111111-aaaa-4bbb-8ccc-000000000004', '5d0c7a3e-1b2f-4c6d-8e9f-0a1b2c3d4e5f', '0123456789abcdef0123456789abcdef', 1, 'alice', NULL, 186, 192, 'market', 'ys the catch is good today.
The ', ' opens at seven.', NULL, 'private reminder', 'open', 'exact', 1, 0, '2023-05-01T10:04:00Z', '2023-05-01T10:04:00Z');
INSERT INTO tags (annotation, tag) VALUES ('11111111-aaaa-4bbb-8ccc-000000000004', 'todo');
INSERT INTO annotations (seq, id, document, version, renderer, author, parent, start_cp, end_cp, exact, prefix, suffix, style, note, status, anchor, private, deleted, created, updated) VALUES (5, '22222222-aaaa-4bbb-8ccc-000000000005', '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d', 'fedcba9876543210fedcba9876543210', 1, 'alice', NULL, 11, 13, '漁船', '港口的早晨
清晨六點，', '陸續回港。碼頭上的工人把一箱箱魚搬上貨車，「今天的收成不錯」，老', NULL, '漁船是哪一種？', 'resolved', 'exact', 0, 0, '2023-05-02T10:05:00Z', '2023-05-02T10:05:00Z');
INSERT INTO tags (annotation, tag) VALUES ('22222222-aaaa-4bbb-8ccc-000000000005', '問題');
INSERT INTO annotations (seq, id, document, version, renderer, author, parent, start_cp, end_cp, exact, prefix, suffix, style, note, status, anchor, private, deleted, created, updated) VALUES (6, '22222222-aaaa-4bbb-8ccc-000000000006', '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d', 'fedcba9876543210fedcba9876543210', 1, 'bob', NULL, 34, 43, '「今天的收成不錯」', '的早晨
清晨六點，漁船陸續回港。碼頭上的工人把一箱箱魚搬上貨車，', '，老陳笑著說。
市場在七點開門，買菜的人很快就擠滿了走道。', NULL, '老陳的原話', 'open', 'exact', 0, 0, '2023-05-02T10:06:00Z', '2023-05-02T10:06:00Z');
INSERT INTO tags (annotation, tag) VALUES ('22222222-aaaa-4bbb-8ccc-000000000006', '引文');
INSERT INTO annotations (seq, id, document, version, renderer, author, parent, start_cp, end_cp, exact, prefix, suffix, style, note, status, anchor, private, deleted, created, updated) VALUES (7, '22222222-aaaa-4bbb-8ccc-000000000007', '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d', 'fedcba9876543210fedcba9876543210', 1, 'bob', NULL, 51, 53, '市場', '頭上的工人把一箱箱魚搬上貨車，「今天的收成不錯」，老陳笑著說。
', '在七點開門，買菜的人很快就擠滿了走道。', NULL, 'deleted one', 'open', 'exact', 0, 1, '2023-05-02T10:07:00Z', '2023-05-02T10:07:00Z');
INSERT INTO annotations (seq, id, document, version, renderer, author, parent, start_cp, end_cp, exact, prefix, suffix, style, note, status, anchor, private, deleted, created, updated) VALUES (8, '22222222-aaaa-4bbb-8ccc-000000000008', '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d', 'fedcba9876543210fedcba9876543210', 1, 'alice', NULL, NULL, NULL, NULL, NULL, NULL, NULL, '整篇的頁面註記', 'open', 'none', 0, 0, '2023-05-02T10:08:00Z', '2023-05-02T10:08:00Z');
INSERT INTO tags (annotation, tag) VALUES ('22222222-aaaa-4bbb-8ccc-000000000008', '頁面');
INSERT INTO events (seq, time, who, what, annotation, before, after, reverts) VALUES (1, '2023-05-01T10:01:00Z', 'alice', 'add', '11111111-aaaa-4bbb-8ccc-000000000001', NULL, '{"id":"11111111-aaaa-4bbb-8ccc-000000000001","document":"5d0c7a3e-1b2f-4c6d-8e9f-0a1b2c3d4e5f","version":"0123456789abcdef0123456789abcdef","renderer":1,"author":"alice","parent":null,"start":44,"end":57,"exact":"fishing boats","prefix":"rbour\nAt six in the morning the ","suffix":" come back to the harbour. Worke","style":"yellow","note":"Which boats? The trawlers?","status":"open","anchor":"exact","private":false,"deleted":false,"created":"2023-05-01T10:01:00Z","updated":"2023-05-01T10:01:00Z","tags":["boats","question"]}', NULL);
INSERT INTO events (seq, time, who, what, annotation, before, after, reverts) VALUES (2, '2023-05-01T10:02:00Z', 'bob', 'add', '11111111-aaaa-4bbb-8ccc-000000000002', NULL, '{"id":"11111111-aaaa-4bbb-8ccc-000000000002","document":"5d0c7a3e-1b2f-4c6d-8e9f-0a1b2c3d4e5f","version":"0123456789abcdef0123456789abcdef","renderer":1,"author":"bob","parent":null,"start":137,"end":144,"exact":"harbour","prefix":"f fish onto trucks, and the old ","suffix":" master says the catch is good t","style":null,"note":"second harbour","status":"open","anchor":"exact","private":false,"deleted":false,"created":"2023-05-01T10:02:00Z","updated":"2023-05-01T10:02:00Z","tags":["place"]}', NULL);
INSERT INTO events (seq, time, who, what, annotation, before, after, reverts) VALUES (3, '2023-05-01T10:03:00Z', 'bob', 'reply', '11111111-aaaa-4bbb-8ccc-000000000003', NULL, '{"id":"11111111-aaaa-4bbb-8ccc-000000000003","document":"5d0c7a3e-1b2f-4c6d-8e9f-0a1b2c3d4e5f","version":"0123456789abcdef0123456789abcdef","renderer":1,"author":"bob","parent":"11111111-aaaa-4bbb-8ccc-000000000001","start":null,"end":null,"exact":null,"prefix":null,"suffix":null,"style":null,"note":"Only the trawlers, I think.","status":"open","anchor":"none","private":false,"deleted":false,"created":"2023-05-01T10:03:00Z","updated":"2023-05-01T10:03:00Z","tags":[]}', NULL);
INSERT INTO events (seq, time, who, what, annotation, before, after, reverts) VALUES (4, '2023-05-01T10:04:00Z', 'alice', 'add', '11111111-aaaa-4bbb-8ccc-000000000004', NULL, '{"id":"11111111-aaaa-4bbb-8ccc-000000000004","document":"5d0c7a3e-1b2f-4c6d-8e9f-0a1b2c3d4e5f","version":"0123456789abcdef0123456789abcdef","renderer":1,"author":"alice","parent":null,"start":186,"end":192,"exact":"market","prefix":"ys the catch is good today.\nThe ","suffix":" opens at seven.","style":null,"note":"private reminder","status":"open","anchor":"exact","private":true,"deleted":false,"created":"2023-05-01T10:04:00Z","updated":"2023-05-01T10:04:00Z","tags":["todo"]}', NULL);
INSERT INTO events (seq, time, who, what, annotation, before, after, reverts) VALUES (5, '2023-05-02T10:05:00Z', 'alice', 'add', '22222222-aaaa-4bbb-8ccc-000000000005', NULL, '{"id":"22222222-aaaa-4bbb-8ccc-000000000005","document":"9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d","version":"fedcba9876543210fedcba9876543210","renderer":1,"author":"alice","parent":null,"start":11,"end":13,"exact":"漁船","prefix":"港口的早晨\n清晨六點，","suffix":"陸續回港。碼頭上的工人把一箱箱魚搬上貨車，「今天的收成不錯」，老","style":null,"note":"漁船是哪一種？","status":"resolved","anchor":"exact","private":false,"deleted":false,"created":"2023-05-02T10:05:00Z","updated":"2023-05-02T10:05:00Z","tags":["問題"]}', NULL);
INSERT INTO events (seq, time, who, what, annotation, before, after, reverts) VALUES (6, '2023-05-02T10:06:00Z', 'bob', 'add', '22222222-aaaa-4bbb-8ccc-000000000006', NULL, '{"id":"22222222-aaaa-4bbb-8ccc-000000000006","document":"9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d","version":"fedcba9876543210fedcba9876543210","renderer":1,"author":"bob","parent":null,"start":34,"end":43,"exact":"「今天的收成不錯」","prefix":"的早晨\n清晨六點，漁船陸續回港。碼頭上的工人把一箱箱魚搬上貨車，","suffix":"，老陳笑著說。\n市場在七點開門，買菜的人很快就擠滿了走道。","style":null,"note":"老陳的原話","status":"open","anchor":"exact","private":false,"deleted":false,"created":"2023-05-02T10:06:00Z","updated":"2023-05-02T10:06:00Z","tags":["引文"]}', NULL);
INSERT INTO events (seq, time, who, what, annotation, before, after, reverts) VALUES (7, '2023-05-02T10:07:00Z', 'bob', 'add', '22222222-aaaa-4bbb-8ccc-000000000007', NULL, '{"id":"22222222-aaaa-4bbb-8ccc-000000000007","document":"9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d","version":"fedcba9876543210fedcba9876543210","renderer":1,"author":"bob","parent":null,"start":51,"end":53,"exact":"市場","prefix":"頭上的工人把一箱箱魚搬上貨車，「今天的收成不錯」，老陳笑著說。\n","suffix":"在七點開門，買菜的人很快就擠滿了走道。","style":null,"note":"deleted one","status":"open","anchor":"exact","private":false,"deleted":false,"created":"2023-05-02T10:07:00Z","updated":"2023-05-02T10:07:00Z","tags":[]}', NULL);
INSERT INTO events (seq, time, who, what, annotation, before, after, reverts) VALUES (8, '2023-05-02T10:07:00Z', 'bob', 'delete', '22222222-aaaa-4bbb-8ccc-000000000007', '{"id":"22222222-aaaa-4bbb-8ccc-000000000007","document":"9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d","version":"fedcba9876543210fedcba9876543210","renderer":1,"author":"bob","parent":null,"start":51,"end":53,"exact":"市場","prefix":"頭上的工人把一箱箱魚搬上貨車，「今天的收成不錯」，老陳笑著說。\n","suffix":"在七點開門，買菜的人很快就擠滿了走道。","style":null,"note":"deleted one","status":"open","anchor":"exact","private":false,"deleted":false,"created":"2023-05-02T10:07:00Z","updated":"2023-05-02T10:07:00Z","tags":[]}', '{"id":"22222222-aaaa-4bbb-8ccc-000000000007","document":"9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d","version":"fedcba9876543210fedcba9876543210","renderer":1,"author":"bob","parent":null,"start":51,"end":53,"exact":"市場","prefix":"頭上的工人把一箱箱魚搬上貨車，「今天的收成不錯」，老陳笑著說。\n","suffix":"在七點開門，買菜的人很快就擠滿了走道。","style":null,"note":"deleted one","status":"open","anchor":"exact","private":false,"deleted":true,"created":"2023-05-02T10:07:00Z","updated":"2023-05-02T10:07:00Z","tags":[]}', NULL);
INSERT INTO events (seq, time, who, what, annotation, before, after, reverts) VALUES (9, '2023-05-02T10:08:00Z', 'alice', 'add', '22222222-aaaa-4bbb-8ccc-000000000008', NULL, '{"id":"22222222-aaaa-4bbb-8ccc-000000000008","document":"9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d","version":"fedcba9876543210fedcba9876543210","renderer":1,"author":"alice","parent":null,"start":null,"end":null,"exact":null,"prefix":null,"suffix":null,"style":null,"note":"整篇的頁面註記","status":"open","anchor":"none","private":false,"deleted":false,"created":"2023-05-02T10:08:00Z","updated":"2023-05-02T10:08:00Z","tags":["頁面"]}', NULL);
INSERT INTO positions (document, author, offset_cp, updated) VALUES ('5d0c7a3e-1b2f-4c6d-8e9f-0a1b2c3d4e5f', 'alice', 42, '2023-05-03T12:00:00Z');
INSERT INTO seen (document, author, time) VALUES ('9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d', 'bob', '2023-05-03T12:30:00Z');
PRAGMA user_version = 1;
COMMIT;
