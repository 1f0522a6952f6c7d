"""The search index: what a newcomer types finds what they meant, fast, from a cache
that never goes stale and never breaks the lookup."""

from __future__ import annotations

import marshal
import os
from pathlib import Path

import pytest

from lessons import search, search_data
from lessons.folders import course_dirs
from lessons.loader import load_course, parse_topic_text
from lessons.model import Course
from lessons.search import SearchIndex
from lessons.search_words import acronyms_in_text, family, query_words, stem

# (query, entry id that must be among the top 3), at least two per topic:
# typos, acronyms both ways, partial words, any word order, punctuation.
QUERIES = [
    # 1 IAM and EC2
    ("eni", "iam-ec2/eni"),
    ("elastic network interface", "iam-ec2/eni"),
    ("what is an ami", "iam-ec2/ami"),
    ("spot instnces", "iam-ec2/spot"),
    ("reserved instances convertible", "iam-ec2/convertible-reserved"),
    ("multi factor authentication", "iam-ec2/mfa"),
    ("dedicated hosts", "iam-ec2/dedicated-hosts"),
    # 2 ELB and ASG
    ("alb", "elb-asg/alb"),
    ("network load balancer", "elb-asg/nlb"),
    ("load balancer stickiness", "elb-asg/stickiness"),
    ("conection draining", "elb-asg/connection-draining"),
    ("server name indication", "elb-asg/sni"),
    ("autoscaling group", "elb-asg/asg"),
    ("target tracking", "elb-asg/target-tracking"),
    # 3 EC2 storage
    ("gp2", "ec2-storage/gp2"),
    ("IOPS", "ec2-storage/iops"),
    ("elastic file system", "ec2-storage/efs"),
    ("instance store", "ec2-storage/instance-store"),
    ("ebs", "ec2-storage/ebs-volume"),
    # 4 RDS, Aurora, ElastiCache
    ("read replicas", "rds-aurora-elasticache/rds-read-replicas"),
    ("rds multi-az", "rds-aurora-elasticache/rds-multi-az"),
    ("lazy loading", "rds-aurora-elasticache/lazy-loading"),
    ("elasticache", "rds-aurora-elasticache/elasticache"),
    ("aurora serverles", "rds-aurora-elasticache/aurora-serverless"),
    # 5 Route 53
    ("cname", "route53/cname-record"),
    ("weighted routing", "route53/weighted-routing"),
    ("alias record", "route53/alias-record"),
    ("geolocation", "route53/geolocation-routing"),
    ("route53", "route53/route-53"),
    # 6 VPC
    ("nacl", "vpc/nacl"),
    ("internet gateway", "vpc/igw"),
    ("vpc peering", "vpc/vpc-peering"),
    ("network address translation", "vpc/nat"),
    ("vpc endpoint", "vpc/vpc-endpoint"),
    # 7 S3
    ("sse-kms", "s3/sse-kms"),
    ("SSE KMS", "s3/sse-kms"),
    ("cors", "s3/cors"),
    ("cross origin resource sharing", "s3/cors"),
    ("versioning s3", "s3/s3-versioning"),
    ("read after write consistency", "s3/read-after-write-consistency"),
    ("sse-c", "s3/sse-c"),
    # 8 CLI, SDK, IAM roles
    ("sigv4", "cli-sdk-iam/sigv4"),
    ("signature version 4", "cli-sdk-iam/sigv4"),
    ("exponential backoff", "cli-sdk-iam/exponential-backoff"),
    ("instance metadata", "cli-sdk-iam/ec2-instance-metadata"),
    ("169.254.169.254", "cli-sdk-iam/ec2-instance-metadata"),
    ("credentials provider chain", "cli-sdk-iam/cli-credentials-chain"),
    ("cli profiles", "cli-sdk-iam/cli-profiles"),
    # 9 Advanced S3
    ("mfa delete", "s3-advanced/mfa-delete"),
    ("presigned url", "s3-advanced/presigned-url"),
    ("cross region replication", "s3-advanced/crr"),
    ("glacier deep archive", "s3-advanced/glacier-deep-archive"),
    ("s3:ObjectCreated", "s3-advanced/event-notifications"),
    ("multipart upload", "s3-advanced/multipart-upload"),
    ("athena", "s3-advanced/athena"),
    ("infrequent access one zone", "s3-advanced/one-zone-ia"),
    # 10 CloudFront
    ("oai", "cloudfront/oai"),
    ("origin access identity", "cloudfront/oai"),
    ("cloudfront signed cookies", "cloudfront/signed-cookies"),
    ("geo restriction", "cloudfront/geo-restriction"),
    ("cloudfront cache invalidation", "cloudfront/cache-invalidation"),
    ("cloud front", "cloudfront/cloudfront"),
    # 11 ECS
    ("fargate", "ecs/fargate"),
    ("task definition", "ecs/task-definition"),
    ("binpack", "ecs/binpack"),
    ("ecs task role", "ecs/ecs-task-role"),
    ("elastic container registry", "ecs/ecr"),
    ("memberOf", "ecs/member-of"),
    # 12 Elastic Beanstalk
    ("immutable", "elastic-beanstalk/immutable"),
    ("blue green", "elastic-beanstalk/blue-green"),
    ("ebextensions", "elastic-beanstalk/ebextensions"),
    ("rolling with additional batches", "elastic-beanstalk/rolling-additional-batches"),
    ("beanstalk lifecycle policy", "elastic-beanstalk/lifecycle-policy"),
    # 13 CI/CD
    ("buildspec.yml", "cicd/buildspec"),
    ("appspec hooks", "cicd/appspec-hooks"),
    ("codedeploy", "cicd/codedeploy"),
    ("code pipeline", "cicd/codepipeline"),
    ("BeforeInstall", "cicd/appspec-hooks"),
    ("ci/cd", "cicd/ci-cd"),
    # 14 CloudFormation
    ("!Ref", "cloudformation/ref"),
    ("getatt", "cloudformation/getatt"),
    ("Fn::ImportValue", "cloudformation/importvalue"),
    ("stacksets", "cloudformation/stacksets"),
    ("cloudformation mappings", "cloudformation/mappings"),
    ("nested stacks", "cloudformation/nested-stacks"),
    # 15 Monitoring
    ("xray", "monitoring/xray"),
    ("x-ray sampling rules", "monitoring/xray-sampling-rules"),
    ("cloudwatch alarms", "monitoring/cloudwatch-alarms"),
    ("metric filter", "monitoring/metric-filter"),
    ("PutMetricData", "monitoring/custom-metrics"),
    ("cloudtrail", "monitoring/cloudtrail"),
    ("eventbridge", "monitoring/eventbridge"),
    ("annotations xray", "monitoring/xray-annotations"),
    # 16 Messaging
    ("sqs visibility timeout", "messaging/sqs-visibility-timeout"),
    ("visiblity timeout", "messaging/sqs-visibility-timeout"),
    ("visib", "messaging/sqs-visibility-timeout"),
    ("timeout visibility sqs", "messaging/sqs-visibility-timeout"),
    ("what's the SQS visibility timeout default?", "messaging/sqs-visibility-timeout"),
    ("dlq", "messaging/sqs-dlq"),
    ("long polling", "messaging/sqs-long-polling"),
    ("fifo", "messaging/sqs-fifo"),
    ("kinesis firehose", "messaging/kinesis-firehose"),
    ("fan out", "messaging/sns-sqs-fan-out"),
    ("kcl", "messaging/kcl"),
    ("sqs message retention", "messaging/sqs-retention"),
    ("sqs max message size", "messaging/sqs-message-size"),
    ("kinesis shard", "messaging/kinesis-shard-capacity"),
    # 17 Lambda
    ("lambda@edge", "lambda/lambda-edge"),
    ("lambda timeout", "lambda/lambda-timeout"),
    ("cold start", "lambda/cold-start"),
    ("lambda layers", "lambda/layers"),
    ("reserved concurrency", "lambda/concurrency-throttling"),
    ("/tmp", "lambda/tmp-space"),
    ("event source mapping", "lambda/event-source-mapping"),
    ("lamda destinations", "lambda/destinations"),
    ("lambda execution role", "lambda/execution-role"),
    # 18 DynamoDB
    ("dynamdb streams", "dynamodb/streams"),
    ("rcu", "dynamodb/rcu"),
    ("read capacity units", "dynamodb/rcu"),
    ("wcu", "dynamodb/wcu"),
    ("dax", "dynamodb/dax"),
    ("gsi", "dynamodb/gsi"),
    ("local secondary index", "dynamodb/lsi"),
    ("conditional writes", "dynamodb/conditional-writes"),
    ("dynamodb ttl", "dynamodb/ttl"),
    ("partition key", "dynamodb/partition-key"),
    ("BatchWriteItem", "dynamodb/batchwriteitem"),
    ("strongly consistent read", "dynamodb/strongly-consistent-read"),
    # 19 API Gateway
    ("stage variables", "api-gateway/stage-variables"),
    ("usage plans", "api-gateway/usage-plan"),
    ("AWS_PROXY", "api-gateway/aws-proxy"),
    ("lambda proxy integration", "api-gateway/aws-proxy"),
    ("502 bad gateway", "api-gateway/error-502"),
    ("mapping templates", "api-gateway/mapping-templates"),
    ("custom authorizer", "api-gateway/custom-authorizer"),
    ("edge optimized", "api-gateway/edge-optimized"),
    # 20 SAM
    ("sam", "sam/sam"),
    ("serverless application model", "sam/sam"),
    ("sam deploy", "sam/sam-deploy"),
    ("transform header", "sam/transform-header"),
    ("AWS::Serverless::Function", "sam/sam-resource-types"),
    ("SQSPollerPolicy", "sam/sqs-poller-policy"),
    # 21 Cognito
    ("cognito user pools", "cognito/user-pools"),
    ("identity pools", "cognito/identity-pools"),
    ("cup vs cip", "cognito/cup-vs-cip"),
    ("pre token generation", "cognito/pre-token-generation"),
    ("hosted ui", "cognito/hosted-ui"),
    ("jwt", "cognito/cup-user-features"),
    # 22 Step Functions and AppSync
    ("step functions", "step-functions-appsync/step-functions"),
    ("graphql", "step-functions-appsync/appsync"),
    ("express workflows", "step-functions-appsync/express-workflows"),
    ("appsync security", "step-functions-appsync/appsync-security"),
    # 23 Advanced identity
    ("assumerole", "advanced-identity/assumerole"),
    ("AssumeRoleWithWebIdentity", "advanced-identity/assumerolewithwebidentity"),
    ("iam:PassRole", "advanced-identity/passrole"),
    ("least privilege", "advanced-identity/least-privilege"),
    ("simple ad", "advanced-identity/simple-ad"),
    ("decode authorization message", "advanced-identity/decodeauthorizationmessage"),
    ("inline policy", "advanced-identity/inline-policy"),
    ("security token service", "advanced-identity/sts"),
]


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course().course


@pytest.fixture(scope="module")
def index(course: Course) -> SearchIndex:
    return SearchIndex.build(course)


@pytest.mark.parametrize(("query", "wanted"), QUERIES, ids=[q for q, _ in QUERIES])
def test_a_newcomers_query_finds_the_entry(index: SearchIndex, query: str, wanted: str) -> None:
    top = [hit.id for hit in index.search(query, limit=3)]
    assert wanted in top, f"{query!r}: {wanted} not in {top}"


def test_the_query_table_covers_every_topic(course: Course) -> None:
    assert len(QUERIES) >= 60
    per_topic = {t.id: 0 for t in course.topics}
    for _query, wanted in QUERIES:
        assert wanted in course.entries, f"{wanted} is not an entry of the course"
        per_topic[wanted.split("/")[0]] += 1
    notes_topics = [t.id for t in course.topics if t.lines]  # the notes' 23 topics
    assert len(notes_topics) == 23
    assert min(per_topic[t] for t in notes_topics) >= 2, per_topic


@pytest.mark.parametrize(
    ("query", "wanted"),
    [
        ("sqs visibility timeout", "messaging/sqs-visibility-timeout"),
        ("eni", "iam-ec2/eni"),
        ("elastic network interface", "iam-ec2/eni"),
        ("oai", "cloudfront/oai"),
        ("what does OAI stand for", "cloudfront/oai"),
        ("rcu", "dynamodb/rcu"),
        ("lambda@edge", "lambda/lambda-edge"),
        ("!Ref", "cloudformation/ref"),
        ("sse-kms", "s3/sse-kms"),
        ("alb", "elb-asg/alb"),
        ("sqs", "messaging/sqs"),
        ("lambda", "lambda/lambda"),
    ],
)
def test_the_obvious_answer_comes_first(index: SearchIndex, query: str, wanted: str) -> None:
    assert index.search(query, limit=1)[0].id == wanted


def test_case_word_order_and_punctuation_do_not_matter(index: SearchIndex) -> None:
    first = [h.id for h in index.search("sqs visibility timeout", limit=3)]
    for variant in ("SQS Visibility Timeout", "timeout, visibility (SQS)", "  sqs   VISIBILITY-timeout "):
        assert [h.id for h in index.search(variant, limit=3)][0] == first[0]
    assert index.search("SSE KMS", limit=1)[0].id == index.search("sse-kms", limit=1)[0].id == "s3/sse-kms"


def test_hits_carry_what_a_result_list_shows(index: SearchIndex) -> None:
    hits = index.search("visibility timeout", limit=5)
    assert 1 <= len(hits) <= 5
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    top = hits[0]
    assert top.id == "messaging/sqs-visibility-timeout"
    assert (top.topic_id, top.topic_number) == ("messaging", 16)
    assert top.topic_title.startswith("Messaging")
    assert top.term == "SQS Visibility Timeout"
    assert top.full_form is None
    assert top.summary
    assert "\n" not in top.summary
    assert "{{" not in top.summary
    assert "`" not in top.summary
    assert {"visibility", "timeout"} <= set(top.matched)
    eni = index.search("eni", limit=1)[0]
    assert eni.full_form == "Elastic Network Interface"


def test_typos_match_and_show_the_real_word(index: SearchIndex) -> None:
    hit = index.search("visiblity timeout", limit=1)[0]
    assert hit.id == "messaging/sqs-visibility-timeout"
    assert "visibility" in hit.matched
    assert "visiblity" not in hit.matched


def test_limits(index: SearchIndex) -> None:
    everything = index.search("sqs", limit=None)
    assert len(everything) > 10
    assert index.search("sqs", limit=2) == everything[:2]
    assert index.search("sqs", limit=0) == []


@pytest.mark.parametrize("query", ["", "   ", "?!", "--", "...", "xyzzy"])
def test_nothing_to_find(index: SearchIndex, query: str) -> None:
    assert index.search(query) == []


def test_record_has_the_display_data(index: SearchIndex) -> None:
    record = index.record("messaging/sqs-message-size")
    assert record["term"] == "SQS Message Size Limit"
    assert record["topic_number"] == 16
    assert record["topic_title"].startswith("Messaging")
    assert "{{" in record["definition"]  # markup kept for the display to style
    assert record["parent_id"] == "messaging/sqs"
    assert record["parent_term"] == "SQS"
    assert record["updates"]
    assert {"note", "current", "since", "source"} <= set(record["updates"][0])
    assert record["added"] is False
    parent = index.record("messaging/sqs")
    assert {"id": "messaging/sqs-retention", "term": "SQS Message Retention"} in parent["children"]
    assert index.record("messaging/kcl")["added"] is True
    record["term"] = "changed"
    assert index.record("messaging/sqs-message-size")["term"] == "SQS Message Size Limit"
    with pytest.raises(KeyError):
        index.record("messaging/nope")


def test_suggest_offers_the_closest_terms(index: SearchIndex) -> None:
    assert index.suggest("fargte")[0] == "Fargate"
    assert "Kinesis" in index.suggest("kinesys", n=3)
    assert len(index.suggest("sqs", n=2)) == 2
    assert all(isinstance(term, str) for term in index.suggest("xyzzy"))
    assert index.suggest("!!!") == []
    assert index.suggest("qqqqqqqq") == []


# ------------------------------------------------------------------ ranking rules

GADGETS = """\
id = "gadgets"
number = 40
title = "Gadgets"
lines = [1]

[[entries]]
id = "gizmo"
term = "Gizmo"
definition = "A small thing."
lines = [2]

  [[entries.updates]]
  note = "Made of tin."
  current = "Now made of titanium."
  since = "2024"
  source = "Gizmo guide"

[[entries]]
id = "gizma"
term = "Gizma"
definition = "A thing with a similar name."
lines = [3]

[[entries]]
id = "sprocket"
term = "Sprocket"
definition = "Turns; unlike gizmoes, it has teeth; not a gizmo."
lines = [4]

[[entries]]
id = "xyz"
term = "XYZ"
full_form = "Extra Yellow Zebra"
lines = [5]

[[entries]]
id = "qru"
term = "QRU"
definition = "The part that spins."
lines = [6]

[[entries]]
id = "pinwheel"
term = "Pinwheel"
notes = ["Driven by a Quantum Rotor Unit (QRU)."]
lines = [7]

[[entries]]
id = "lever"
term = "Lever"
notes = ["Often used with a cog."]
lines = [8]

  [[entries.children]]
  id = "lever-arm"
  term = "Lever Arm"
  notes = ["Also turns a cog."]
  lines = [9]

[[questions]]
id = "teeth"
origin = "curated"
type = "numeric"
prompt = "How many teeth does a flywheel need?"
answer = 12
explain = "Twelve."
entry = "sprocket"
lines = [4]
"""


@pytest.fixture(scope="module")
def gadgets() -> SearchIndex:
    return SearchIndex.build(Course((parse_topic_text(GADGETS, "40-gadgets.toml"),)))


def ids(index: SearchIndex, query: str) -> list[str]:
    return [hit.id for hit in index.search(query)]


def test_exact_term_beats_fuzzy_term_beats_a_mention(gadgets: SearchIndex) -> None:
    exact = gadgets.search("gizmo")
    assert [h.id for h in exact] == ["gadgets/gizmo", "gadgets/sprocket"]  # the term, then a mention
    # "gizmoes" is a typo of the term Gizmo, and a word Sprocket's definition happens to use.
    fuzzy = gadgets.search("gizmoes")
    assert [h.id for h in fuzzy] == ["gadgets/gizmo", "gadgets/sprocket"]
    assert exact[0].score > fuzzy[0].score > max(exact[1].score, fuzzy[1].score)
    # A typo of two names ranks both, above any mention.
    assert ids(gadgets, "gizmu")[:2] == ["gadgets/gizmo", "gadgets/gizma"]


def test_a_top_level_entry_wins_a_tie_with_a_sub_entry(gadgets: SearchIndex) -> None:
    assert ids(gadgets, "cog") == ["gadgets/lever", "gadgets/lever-arm"]


def test_acronym_and_full_form_find_each_other(gadgets: SearchIndex) -> None:
    assert ids(gadgets, "xyz")[0] == "gadgets/xyz"
    assert ids(gadgets, "extra yellow zebra")[0] == "gadgets/xyz"
    assert ids(gadgets, "zebra yellow extra")[0] == "gadgets/xyz"
    assert ids(gadgets, "what does XYZ stand for?")[0] == "gadgets/xyz"


def test_acronyms_spelled_out_in_notes_work_both_ways(gadgets: SearchIndex) -> None:
    # Only the notes of "Pinwheel" say what QRU stands for; the QRU entry does not.
    assert ids(gadgets, "quantum rotor unit")[:2] == ["gadgets/qru", "gadgets/pinwheel"]
    assert ids(gadgets, "qru")[0] == "gadgets/qru"


def test_questions_and_update_callouts_are_searched(gadgets: SearchIndex) -> None:
    assert ids(gadgets, "flywheel") == ["gadgets/sprocket"]
    assert ids(gadgets, "titanium") == ["gadgets/gizmo"]


def test_partial_words_match_as_prefixes(gadgets: SearchIndex) -> None:
    assert ids(gadgets, "sprock")[0] == "gadgets/sprocket"
    assert ids(gadgets, "pinw")[0] == "gadgets/pinwheel"


TWO_TOPICS = [
    """\
id = "widgets"
number = 41
title = "Widgets: Cogs and Levers"
lines = [1]

[[entries]]
id = "widgets"
term = "Widgets"
definition = "Small parts; a widget cache keeps the widgets in memory."
lines = [2]

[[entries]]
id = "cache"
term = "Cache"
definition = "Keeps recent parts close."
lines = [3]

[[entries]]
id = "spring"
term = "Spring"
definition = "Stores energy; scaled to the size of the widget."
notes = ["Retried twice when it snaps."]
lines = [4]
""",
    """\
id = "gadgets"
number = 42
title = "Gadgets"
lines = [1]

[[entries]]
id = "cache"
term = "Cache"
definition = "Keeps recent widgets close, like a widgets cache, but for gadgets."
lines = [2]

[[entries]]
id = "gadget-scaling"
term = "Gadget Scaling"
definition = "Grows with demand."
lines = [3]
""",
]


@pytest.fixture(scope="module")
def two_topics() -> SearchIndex:
    topics = tuple(parse_topic_text(text, f"{41 + n}-t.toml") for n, text in enumerate(TWO_TOPICS))
    return SearchIndex.build(Course(topics))


def test_a_topic_name_in_the_query_picks_that_topics_entry(two_topics: SearchIndex) -> None:
    # "widgets cache" names the topic Widgets and its entry Cache, though the Gadgets
    # cache is the one whose text says "widgets".
    assert ids(two_topics, "widgets cache")[0] == "widgets/cache"
    assert ids(two_topics, "gadgets cache")[0] == "gadgets/cache"
    assert ids(two_topics, "cache gadgets")[0] == "gadgets/cache"  # any order
    # The topic's name alone still finds what is named so, not every entry of the topic.
    assert ids(two_topics, "widgets")[0] == "widgets/widgets"


def test_word_families_and_synonyms_match_a_shade_below_the_word(two_topics: SearchIndex) -> None:
    assert [family(w) for w in ("scale", "scaled", "scaling", "scalable")] == ["scal"] * 4
    assert family("retry") == family("retried") == family("retrying") == "retri"
    assert family("encrypt") == family("encryption") == family("encrypted")
    assert family("trigger") == family("triggering")
    assert family("deploy") == family("deployment")
    assert family("user") != family("use")  # too short to shed anything
    assert ids(two_topics, "scale")[0] == "gadgets/gadget-scaling"  # the name beats the mention "scaled"
    assert "widgets/spring" in ids(two_topics, "retry")
    exact, family_match = two_topics.search("retried")[0], two_topics.search("retry")[0]
    assert exact.id == family_match.id == "widgets/spring"
    assert exact.score > family_match.score


def test_everyday_words_numbers_with_units_and_rare_words(index: SearchIndex) -> None:
    assert index.search("read the whole table", limit=1)[0].id == "dynamodb/scan"  # whole ~ entire
    assert index.search("add instances every friday at 5pm", limit=1)[0].id == "elb-asg/scheduled-action"
    assert "messaging/sqs-message-size" in [h.id for h in index.search("sqs 256kb", limit=3)]


# ------------------------------------------------------------------ words


def test_stem_and_query_words() -> None:
    assert [stem(w) for w in ("policies", "queues", "APIs", "ACLs", "SQS", "kinesis", "status", "access")] == [
        "policy",
        "queue",
        "api",
        "acl",
        "sqs",
        "kinesis",
        "status",
        "access",
    ]
    assert query_words("What does the OAI stand for?") == ["oai"]
    assert query_words("the") == ["the"]  # nothing but stop words: keep them
    assert query_words("lambda@edge s3:ObjectCreated !Ref") == ["lambda", "edge", "s3", "objectcreated", "ref"]


def test_acronyms_in_text() -> None:
    assert list(acronyms_in_text("Read Capacity Units (RCU) are billed.")) == [("RCU", "Read Capacity Units")]
    assert list(acronyms_in_text("Use IAM (Identity and Access Management) roles.")) == [
        ("IAM", "Identity and Access Management")
    ]
    assert list(acronyms_in_text("Some words (ABC) that do not match.")) == []
    assert list(acronyms_in_text("Retention (4 days by default).")) == []


# ------------------------------------------------------------------ the cache


class Builds:
    """A build callable that counts its calls."""

    def __init__(self, folders: list[Path]) -> None:
        self.folders = folders
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return load_course(self.folders, builtin=False)


WIDGETS = """\
id = "widgets"
number = 41
title = "Widgets"
lines = [1]

[[entries]]
id = "doohickey"
term = "Doohickey"
definition = "Holds a gizmo in place for {{30 seconds}}."
lines = [2]
"""


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "course"
    folder.mkdir()
    (folder / "40-gadgets.toml").write_text(GADGETS, encoding="utf-8")
    (folder / "41-widgets.toml").write_text(WIDGETS, encoding="utf-8")
    return folder


def open_index(cache: Path | None, folder: Path, build: Builds, **kwargs) -> SearchIndex:
    return SearchIndex.load_or_build(cache, course_dirs([folder], builtin=False), build, **kwargs)


def test_the_cache_is_written_once_and_then_read(tmp_path: Path, course_copy: Path) -> None:
    cache = tmp_path / "cache"
    build = Builds([course_copy])
    first = open_index(cache, course_copy, build)
    assert build.calls == 1
    assert not first.from_cache
    assert sorted(p.name for p in cache.iterdir()) == [search.CACHE_NAME]  # no temp files left
    second = open_index(cache, course_copy, build)
    assert build.calls == 1
    assert second.from_cache
    for query in ("gizmo", "gizmoes", "quantum rotor unit", "doohick", "30 seconds"):
        assert second.search(query) == first.search(query) != []
    assert second.record("gadgets/gizmo") == first.record("gadgets/gizmo")


def test_a_valid_cache_never_parses_toml(tmp_path: Path, course_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    open_index(cache, course_copy, Builds([course_copy]))

    def refuse(*args, **kwargs):
        raise AssertionError("the course was parsed although the cache is valid")

    import tomllib

    import lessons.loader

    monkeypatch.setattr(lessons.loader, "parse_topic_file", refuse)
    monkeypatch.setattr(lessons.loader, "load_course", refuse)
    monkeypatch.setattr(tomllib, "loads", refuse)
    index = SearchIndex.load_or_build(
        cache,
        course_dirs([course_copy], builtin=False),
        lambda: lessons.loader.load_course([course_copy], builtin=False),
    )
    assert index.from_cache
    assert index.search("gizmo", limit=1)[0].id == "gadgets/gizmo"


def _bump_mtime(path: Path) -> None:
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 2_000_000_000))


@pytest.mark.parametrize("change", ["touch", "edit", "add", "remove"])
def test_a_changed_course_file_rebuilds(tmp_path: Path, course_copy: Path, change: str) -> None:
    cache = tmp_path / "cache"
    build = Builds([course_copy])
    open_index(cache, course_copy, build)
    gadgets = course_copy / "40-gadgets.toml"
    if change == "touch":
        _bump_mtime(gadgets)
    elif change == "edit":
        gadgets.write_text(GADGETS.replace('term = "Sprocket"', 'term = "Cogwheel"'), encoding="utf-8")
    elif change == "add":
        (course_copy / "42-more.toml").write_text(
            GADGETS.replace('id = "gadgets"', 'id = "more"').replace("number = 40", "number = 42"), encoding="utf-8"
        )
    else:
        (course_copy / "41-widgets.toml").unlink()
    index = open_index(cache, course_copy, build)
    assert build.calls == 2
    assert not index.from_cache
    if change == "edit":
        assert index.search("cogwheel", limit=1)[0].id == "gadgets/sprocket"
    if change == "add":
        assert "more/gizmo" in index
    if change == "remove":
        assert index.search("doohickey") == []
    assert open_index(cache, course_copy, build).from_cache
    assert build.calls == 2


def test_a_new_version_rebuilds(tmp_path: Path, course_copy: Path) -> None:
    cache = tmp_path / "cache"
    build = Builds([course_copy])
    open_index(cache, course_copy, build, version="1.0")
    assert open_index(cache, course_copy, build, version="1.0").from_cache
    assert not open_index(cache, course_copy, build, version="1.1").from_cache
    assert build.calls == 2


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: b"not a marshal file at all",
        lambda data: data[: len(data) // 2],
        lambda data: marshal.dumps({"format": search_data.INDEX_FORMAT}),
        lambda data: marshal.dumps([1, 2, 3]),
    ],
    ids=["empty", "garbage", "truncated", "wrong-shape", "wrong-type"],
)
def test_a_corrupt_cache_is_rebuilt(tmp_path: Path, course_copy: Path, damage) -> None:
    cache = tmp_path / "cache"
    build = Builds([course_copy])
    open_index(cache, course_copy, build)
    path = cache / search.CACHE_NAME
    path.write_bytes(damage(path.read_bytes()))
    index = open_index(cache, course_copy, build)
    assert build.calls == 2
    assert not index.from_cache
    assert index.search("gizmo", limit=1)[0].id == "gadgets/gizmo"
    assert open_index(cache, course_copy, build).from_cache  # and written again, whole


def test_a_cache_with_a_tampered_part_is_rebuilt(tmp_path: Path, course_copy: Path) -> None:
    cache = tmp_path / "cache"
    build = Builds([course_copy])
    open_index(cache, course_copy, build)
    path = cache / search.CACHE_NAME
    data = marshal.loads(path.read_bytes())
    data["postings"] = data["postings"][:-8]
    path.write_bytes(marshal.dumps(data))
    assert not open_index(cache, course_copy, build).from_cache


def test_an_unwritable_cache_folder_only_means_building_in_memory(tmp_path: Path, course_copy: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    build = Builds([course_copy])
    for cache in (blocker, blocker / "cache"):
        index = open_index(cache, course_copy, build)
        assert not index.from_cache
        assert index.search("gizmo")
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    read_only.chmod(0o500)
    try:
        index = open_index(read_only, course_copy, build)
        assert index.search("gizmo")
    finally:
        read_only.chmod(0o700)
    assert not open_index(None, course_copy, build).from_cache


def test_an_unreadable_cache_file_is_rebuilt(tmp_path: Path, course_copy: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / search.CACHE_NAME).mkdir()  # a folder where the file should be: cannot be read or replaced
    build = Builds([course_copy])
    index = open_index(cache, course_copy, build)
    assert not index.from_cache
    assert index.search("gizmo")


def test_load_problems_are_kept_as_notices(tmp_path: Path, course_copy: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "50-broken.toml").write_text("id = [", encoding="utf-8")
    cache = tmp_path / "cache"
    build = Builds([course_copy, broken])
    dirs = course_dirs([course_copy, broken], builtin=False)
    first = SearchIndex.load_or_build(cache, dirs, build)
    second = SearchIndex.load_or_build(cache, dirs, build)
    assert second.from_cache
    assert build.calls == 1
    assert first.notices == second.notices
    assert len(first.notices) == 1
    assert "50-broken.toml" in first.notices[0]
    assert second.search("gizmo")


def test_a_missing_extra_folder_is_part_of_the_signature(tmp_path: Path, course_copy: Path) -> None:
    later = tmp_path / "later"
    sig = search_data.signature(course_dirs([course_copy, later], builtin=False), "1")
    later.mkdir()
    (later / "42-later.toml").write_text(
        GADGETS.replace('id = "gadgets"', 'id = "later"').replace("number = 40", "number = 42"), encoding="utf-8"
    )
    assert search_data.signature(course_dirs([course_copy, later], builtin=False), "1") != sig


def test_the_built_in_course_from_the_cache_answers_like_a_fresh_build(tmp_path: Path, index: SearchIndex) -> None:
    cache = tmp_path / "cache"
    calls = []

    def build():
        calls.append(1)
        return load_course()

    SearchIndex.load_or_build(cache, course_dirs(), build)
    cached = SearchIndex.load_or_build(cache, course_dirs(), build)
    assert cached.from_cache
    assert len(calls) == 1
    for query, _ in QUERIES[::7]:
        assert cached.search(query, limit=3) == index.search(query, limit=3)
