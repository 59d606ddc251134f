"""Thin request handlers: parse, authorise, call one domain function, render."""
