"""Topics: named saved searches (a full-text query plus optional categories)."""

from __future__ import annotations

from hubcli.config import Settings, TopicConfig
from hubcli.errors import UsageError

BUILTIN_TOPICS: dict[str, TopicConfig] = {
    t.name: t
    for t in (
        TopicConfig("recsys", 'recommender OR recommendation OR recommendations OR "collaborative filtering"'
                    ' OR "click-through" OR CTR OR "user modeling" OR "learning to rank"',
                    description="Recommender systems"),
        TopicConfig("llm", '"language model" OR "language models" OR LLM OR LLMs OR GPT OR "instruction tuning"'
                    ' OR RLHF OR "in-context learning"', description="Large language models"),
        TopicConfig("nlp", 'language OR linguistic OR translation OR parsing OR text OR NLP OR speech',
                    ("cs.CL",), description="Natural language processing"),
        TopicConfig("cv", 'image OR images OR vision OR visual OR video OR segmentation OR detection OR "3D"',
                    ("cs.CV",), description="Computer vision"),
        TopicConfig("ir", 'retrieval OR search OR ranking OR query OR queries OR index OR "question answering"'
                    ' OR RAG', description="Information retrieval"),
        TopicConfig("rl", '"reinforcement learning" OR policy OR reward OR bandit OR bandits OR "Markov decision"',
                    description="Reinforcement learning"),
        TopicConfig("robotics", 'robot OR robots OR robotic OR manipulation OR locomotion OR grasping OR navigation',
                    description="Robotics"),
        TopicConfig("ml-theory", 'theorem OR bound OR bounds OR convergence OR "sample complexity" OR generalization'
                    ' OR PAC OR regret', ("cs.LG", "stat.ML", "math.ST"),
                    description="Learning theory"),
    )
}


def all_topics(settings: Settings) -> dict[str, tuple[TopicConfig, str]]:
    """name -> (topic, origin); config.toml topics override built-ins of the same name."""
    found: dict[str, tuple[TopicConfig, str]] = {name: (t, "builtin") for name, t in BUILTIN_TOPICS.items()}
    for name, topic in settings.topics.items():
        found[name] = (topic, "config")
    return found


def resolve_topic(name: str, settings: Settings) -> TopicConfig:
    topics = all_topics(settings)
    key = name.strip()
    if key not in topics:
        lowered = {k.lower(): k for k in topics}
        if key.lower() in lowered:
            key = lowered[key.lower()]
        else:
            raise UsageError("unknown_topic", name=name, known=", ".join(sorted(topics)))
    return topics[key][0]
