"""Answers from the knowledge base for every shell: the FAQ search, the guide, and why a cause is ranked.

Pure over the shipped knowledge base and the engine (no web, no terminal): ``faq`` finds the closest
curated answer to a question, ``guide`` builds the condition and body-part pages, ``explain`` says why
one cause has its probability, ``catalogue`` lists conditions and findings, and ``words`` puts
numbers and answers into plain words. The web app, the JSON API and the command line all call these.
"""
